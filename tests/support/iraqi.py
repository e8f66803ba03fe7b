"""The Iraqi gateways for tests: the NassWallet and areeba sandboxes on free ports, their
marketplaces' accounts, payments through any of the four gateways, and each gateway's
notification as the gateway itself sends it (what its sandbox's outcome hook fires)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, Payment
from billing.services.payments import Allocation, payment_create
from sandboxes.areeba import AreebaSandbox
from sandboxes.nasswallet import NassWalletSandbox
from tests.support.sandboxes import RunningSandbox, iqd, provider_account_configure

WEBHOOKS = "/api/v1/payments/webhooks"
# Each gateway's word for "declined" and "expired" at its sandbox (FastPay has no expiry).
SANDBOX_OUTCOMES = {
    "fib": {"paid": "paid", "declined": "declined", "expired": "expired"},
    "fastpay": {"paid": "paid", "declined": "failed", "expired": "cancelled"},
    "nasswallet": {"paid": "paid", "declined": "declined", "expired": "expired"},
    "areeba": {"paid": "paid", "declined": "declined", "expired": "expired"},
}


def start_nasswallet() -> RunningSandbox:
    return RunningSandbox(NassWalletSandbox())


def start_areeba() -> RunningSandbox:
    return RunningSandbox(AreebaSandbox())


@pytest.fixture(scope="session")
def nasswallet_sandbox():
    sandbox = start_nasswallet()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="session")
def areeba_sandbox():
    sandbox = start_areeba()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def nasswallet_books(talent, nasswallet_sandbox):
    """talent takes NassWallet payments through the sandbox; the test runs in its schema."""
    with tenant_context(talent):
        provider_account_configure("nasswallet", nasswallet_sandbox)
        yield talent


@pytest.fixture
def areeba_books(talent, areeba_sandbox):
    with tenant_context(talent):
        provider_account_configure("areeba", areeba_sandbox)
        yield talent


@pytest.fixture
def iraqi_sandboxes(fib_sandbox, fastpay_sandbox, nasswallet_sandbox, areeba_sandbox):
    return {"fib": fib_sandbox, "fastpay": fastpay_sandbox, "nasswallet": nasswallet_sandbox,
            "areeba": areeba_sandbox}  # fmt: skip


def gateway_payment(
    code: str, payer, provider_user, *, key: str, dinars: int = 25_000, fee: int = 2_000
) -> Payment:
    """A charge through ``code``: the provider's share pending, the fee the platform's."""
    kind = LedgerAccount.Kind
    share = Allocation(kind.PROVIDER_PENDING, iqd(dinars - fee), owner_id=provider_user.pk)
    return payment_create(
        payer=payer, subject=f"{code}-test:{key}", purpose=Payment.Purpose.CHARGE,
        amount=iqd(dinars), provider=code,
        allocations=[share, Allocation(kind.PLATFORM_FEES, iqd(fee))],
        idempotency_key=key, return_url="https://talent-test.localhost/return",
        description="Oud player, 2 hours",
    )  # fmt: skip


@dataclass(frozen=True)
class Delivery:
    """A notification as the gateway sends it: where, what, with which headers."""

    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def post(self, client):
        return client.post(self.path, self.body, content_type="application/json",
                           headers=self.headers)  # fmt: skip


def gateway_decide(code: str, sandbox: RunningSandbox, provider_ref: str, outcome: str,
                   **extra) -> Delivery:  # fmt: skip
    """Decide ``outcome`` (paid, declined, expired) at the gateway's sandbox without its own
    callback, and return the notification the gateway sends for it (FastPay's for a payment
    it reports, as its sandbox does only for successes)."""
    said = sandbox.hook(
        f"/__sandbox/payments/{provider_ref}/outcome",
        {"outcome": SANDBOX_OUTCOMES[code][outcome], "callback": False, "notify": False} | extra,
    )
    if code == "nasswallet":
        return Delivery(f"{WEBHOOKS}/nasswallet/callback", json.dumps(said["callback"]).encode())
    if code == "areeba":
        secret = {"X-Notification-Secret": said["headers"]["X-Notification-Secret"]}
        return Delivery(f"{WEBHOOKS}/areeba/", json.dumps(said["notification"]).encode(), secret)
    if code == "fib":
        body = {"id": provider_ref, "status": said["status"]}
    else:
        body = {"merchant_order_id": provider_ref, "order_id": provider_ref,
                "status": said["status"]}  # fmt: skip
    return Delivery(f"{WEBHOOKS}/{code}/", json.dumps(body).encode())


class Receiver:
    """A merchant endpoint of our own on a free port: records what a sandbox POSTs to it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.arrived:
                    receiver.received.append((self.path, dict(self.headers), body))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"SUCCESS")

            def log_message(self, format, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait(self, count: int = 1, timeout: float = 10) -> list[tuple[str, dict[str, str], bytes]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)
        return list(self.received)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()
