"""The Stripe sandbox for tests: started once per session on a free port (real HTTP), helpers
for its test hooks, a fresh platform key per test, and a small webhook inbox."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from sandboxes.stripe import StripeSandbox


class RunningStripe:
    def __init__(self) -> None:
        self.sandbox = StripeSandbox()
        self.server = self.sandbox.serve("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @staticmethod
    def new_key() -> str:
        """A secret key no other test uses: its own platform in the sandbox."""
        return f"sk_test_{secrets.token_hex(12)}"

    def client(self, key: str, **options: Any) -> stripe.StripeClient:
        return stripe.StripeClient(key, base_addresses={"api": self.url}, **options)

    def _send(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method="POST" if data else "GET",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"sandbox hook {path}: {error.code} {error.read()!r}") from error

    def hook(self, object_id: str, action: str, **payload: Any) -> dict[str, Any]:
        return self._send(f"/__sandbox/objects/{object_id}/{action}", payload)

    def outcome(self, object_id: str, outcome: str, **extra: Any) -> dict[str, Any]:
        """Decide a PaymentIntent's, Checkout Session's, SetupIntent's, payout's or refund's
        outcome (see sandboxes/stripe/hooks.py for the outcomes each takes)."""
        return self.hook(object_id, "outcome", outcome=outcome, **extra)

    def onboard(self, account_id: str) -> dict[str, Any]:
        return self.hook(account_id, "onboarding")

    def dispute(self, charge_id: str, **extra: Any) -> dict[str, Any]:
        return self.hook(charge_id, "dispute", **extra)

    def close_dispute(self, dispute_id: str, outcome: str) -> dict[str, Any]:
        return self.hook(dispute_id, "close", outcome=outcome)

    def peek(self, object_id: str) -> dict[str, Any]:
        return self._send(f"/__sandbox/objects/{object_id}")

    def events(self, key: str, type: str | None = None) -> list[dict[str, Any]]:
        query = f"?key={key}" + (f"&type={type}" if type else "")
        return self._send(f"/__sandbox/events{query}")["data"]

    def resend(self, event_id: str, **extra: Any) -> dict[str, Any]:
        return self._send(f"/__sandbox/events/{event_id}/resend", extra)

    def fault(self, key: str, status: int = 500, count: int = 1, path: str = "/v1/") -> None:
        """The next ``count`` calls of platform ``key`` under ``path`` answer ``status``."""
        self._send("/__sandbox/faults", {"key": key, "status": status, "count": count,
                                         "path": path})  # fmt: skip

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def detail(error: stripe.StripeError) -> Any:
    """The ``error`` object of Stripe's answer (code, decline_code, payment_intent…)."""
    assert error.error is not None
    return error.error


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def visit(url: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
    """GET a hosted page (or POST its form): status, Location ("" if none: redirects are not
    followed), and the HTML."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=10) as answer:
            return answer.status, answer.headers.get("Location", ""), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def wait_for(found: Callable[[], Any], *, seconds: float = 10, what: str = "it") -> Any:
    """Poll until ``found()`` is truthy (webhooks arrive in the background); fail at the
    deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds}s for {what}")


class WebhookInbox:
    """A local HTTP endpoint that keeps every POST (raw body and headers) and answers
    ``status`` (200 unless a test sets another)."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self.status = 200
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                inbox.received.append((body, dict(self.headers.items())))
                self.send_response(inbox.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe"

    def events(self, type: str | None = None) -> list[dict[str, Any]]:
        found = [json.loads(body) for body, _ in list(self.received)]
        return [e for e in found if type is None or e["type"] == type]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def stripe_sandbox():
    sandbox = RunningStripe()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def webhook_inbox():
    inbox = WebhookInbox()
    yield inbox
    inbox.stop()
