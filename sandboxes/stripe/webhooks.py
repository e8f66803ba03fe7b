"""Events and webhook endpoints: every state change makes an Event, POSTed in the background to
each enabled endpoint of the platform, signed as Stripe signs:
``Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(endpoint secret, f"{t}.{raw body}")>``.

An endpoint made with ``connect=true`` receives the events of connected accounts (they carry
``"account": "acct_…"``: account.updated, a connected account's payout.paid); the others
receive the platform's own events, as at Stripe.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from sandboxes.server import _loopback
from sandboxes.stripe.objects import (
    API_VERSION,
    as_bool,
    as_str,
    base,
    invalid,
    list_of,
    metadata,
    missing,
    new_id,
    now,
    public,
    unknown_check,
)

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

ATTEMPTS = 5


def signature(secret: str, payload: bytes, timestamp: int) -> str:
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={signed.hexdigest()}"


def event_emit(
    call: Call,
    type: str,
    obj: dict[str, Any],
    previous: dict[str, Any] | None,
    *,
    scope: str | None | bool = False,
) -> dict[str, Any]:
    account = call.where(scope)
    event = base(
        "evt",
        "event",
        api_version=API_VERSION,
        type=type,
        pending_webhooks=0,
        request={"id": call.request_id, "idempotency_key": call.idempotency_key},
        data={"object": public(obj)},
    )
    if previous is not None:
        event["data"]["previous_attributes"] = previous
    if account is not None:
        event["account"] = account
    event["_deliveries"] = []
    call.add(event, account)
    for endpoint in call.all("webhook_endpoint", None):
        wanted = endpoint["enabled_events"]
        if (
            endpoint["status"] == "enabled"
            and ("*" in wanted or type in wanted)
            and (endpoint["_connect"] == (account is not None))
        ):
            event["pending_webhooks"] += 1
            deliver(call.sandbox, event, endpoint)
    return event


def deliver(
    sandbox: StripeCore,
    event: dict[str, Any],
    endpoint: dict[str, Any],
    timestamp: int | None = None,
) -> None:
    """POST the event to the endpoint in the background, retrying a failure with backoff."""
    payload = json.dumps(public(event), indent=2).encode()
    target, headers = _loopback(endpoint["url"])
    secret = endpoint["_secret"]

    def send() -> None:
        for attempt in range(ATTEMPTS):
            signed = signature(secret, payload, timestamp or now())
            request = urllib.request.Request(
                target,
                data=payload,
                method="POST",
                headers={
                    **headers,
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    "Stripe-Signature": signed,
                },
            )
            status = 0
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            with sandbox.lock:
                event["_deliveries"].append(
                    {
                        "endpoint": endpoint["id"],
                        "url": endpoint["url"],
                        "status": status,
                        "signature": signed,
                        "at": time.time(),
                    }
                )
                if 200 <= status < 300:
                    event["pending_webhooks"] = max(event["pending_webhooks"] - 1, 0)
                    sandbox.callbacks_sent.append((endpoint["url"], event["id"]))
            if 200 <= status < 300:
                return
            time.sleep(0.2 * 2**attempt)

    threading.Thread(target=send, daemon=True).start()


# --- /v1/events -----------------------------------------------------------------------------
def events_list(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "type",
            "types",
            "limit",
            "starting_after",
            "ending_before",
            "created",
            "delivery_success",
        },
    )
    events = call.all("event")
    kind, kinds = as_str(call.params, "type"), call.params.get("types")
    if kind:
        if kind.endswith("*"):
            events = [e for e in events if e["type"].startswith(kind[:-1])]
        else:
            events = [e for e in events if e["type"] == kind]
    if isinstance(kinds, list):
        events = [e for e in events if e["type"] in kinds]
    return list_of(events, "/v1/events", call.params)


def events_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("event", id)


# --- /v1/webhook_endpoints ------------------------------------------------------------------
ENDPOINT_FIELDS = {
    "url",
    "enabled_events",
    "connect",
    "description",
    "metadata",
    "api_version",
    "disabled",
}


def _enabled_events(call: Call, required: bool) -> list[str] | None:
    events = call.params.get("enabled_events")
    if events is None:
        if required:
            raise missing("enabled_events")
        return None
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise invalid("enabled_events", "Invalid array: enabled_events")
    return events


def endpoints_create(call: Call) -> dict[str, Any]:
    unknown_check(call.params, ENDPOINT_FIELDS - {"disabled"})
    url = as_str(call.params, "url", required=True) or ""
    if not url.startswith(("http://", "https://")):
        raise invalid("url", "Invalid URL: URL must be publicly accessible or use https.")
    secret = "whsec_" + new_id("x", 32)[2:]
    endpoint = base(
        "we",
        "webhook_endpoint",
        url=url,
        status="enabled",
        enabled_events=_enabled_events(call, True),
        description=as_str(call.params, "description"),
        api_version=as_str(call.params, "api_version"),
        application=None,
        metadata=metadata(call.params),
        secret=secret,
        _secret=secret,
        _connect=as_bool(call.params, "connect"),
    )
    call.add(endpoint, None)
    shown = call.render(endpoint)
    del endpoint["secret"]  # only the creating call sees the secret, as at Stripe
    return shown


def endpoints_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("webhook_endpoint", id)


def endpoints_update(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, ENDPOINT_FIELDS - {"connect", "api_version"})
    endpoint = call.get("webhook_endpoint", id)
    endpoint["url"] = as_str(call.params, "url") or endpoint["url"]
    endpoint["enabled_events"] = _enabled_events(call, False) or endpoint["enabled_events"]
    if "disabled" in call.params:
        endpoint["status"] = "disabled" if as_bool(call.params, "disabled") else "enabled"
    endpoint["metadata"] = metadata(call.params, endpoint["metadata"])
    return endpoint


def endpoints_delete(call: Call, id: str) -> dict[str, Any]:
    endpoint = call.get("webhook_endpoint", id)
    del call.platform.objects[id]
    return {"id": endpoint["id"], "object": "webhook_endpoint", "deleted": True}


def endpoints_list(call: Call) -> dict[str, Any]:
    unknown_check(call.params, {"limit", "starting_after", "ending_before"})
    return list_of(call.all("webhook_endpoint", None), "/v1/webhook_endpoints", call.params)


def register(sandbox: StripeCore) -> None:
    sandbox.api("GET", "events", events_list)
    sandbox.api("GET", "events/(?P<id>[^/]+)", events_retrieve)
    sandbox.api("POST", "webhook_endpoints", endpoints_create)
    sandbox.api("GET", "webhook_endpoints", endpoints_list)
    sandbox.api("GET", "webhook_endpoints/(?P<id>[^/]+)", endpoints_retrieve)
    sandbox.api("POST", "webhook_endpoints/(?P<id>[^/]+)", endpoints_update)
    sandbox.api("DELETE", "webhook_endpoints/(?P<id>[^/]+)", endpoints_delete)
