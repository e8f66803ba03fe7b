"""Test hooks under ``/__sandbox/`` (never under ``/v1/``): decide outcomes, finish onboarding,
open and close disputes, pay payouts, peek at any object, list and resend events. Each answers
JSON: the object after the change (a refused card is a result here, not an error)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandboxes.server import Request, Response
from sandboxes.stripe.accounts import account_onboard
from sandboxes.stripe.charges import dispute_close, dispute_open, refund_fail
from sandboxes.stripe.checkout import session_expire, session_get, session_pay
from sandboxes.stripe.customers import test_card
from sandboxes.stripe.objects import StripeError, public
from sandboxes.stripe.payment_intents import pi_attempt, pi_cancel, pi_processing, pi_succeed
from sandboxes.stripe.server import Platform
from sandboxes.stripe.setup_intents import si_attempt
from sandboxes.stripe.transfers import payout_settle
from sandboxes.stripe.webhooks import deliver

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

# outcome → the test card that produces it
OUTCOME_CARDS = {
    "succeeded": "visa",
    "declined": "chargeDeclined",
    "insufficient_funds": "chargeDeclinedInsufficientFunds",
    "requires_action": "authenticationRequired",
}


def _pi_outcome(call: Call, pi: dict[str, Any], outcome: str, body: dict[str, Any]) -> None:
    if outcome == "canceled":
        pi_cancel(call, pi, "requested_by_customer")
    elif outcome == "processing":
        if not pi["payment_method"]:
            pi["payment_method"] = test_card(call, body.get("card") or "visa")["id"]
        pi_processing(call, pi)
    elif outcome == "succeeded" and pi["status"] in ("requires_action", "processing"):
        if pi["status"] == "processing":
            pi_succeed(call, pi, call.get("payment_method", pi["payment_method"]))
        else:
            pi_attempt(call, pi, off_session=False, authenticated=True)
    elif outcome in OUTCOME_CARDS:
        pi["payment_method"] = test_card(call, body.get("card") or OUTCOME_CARDS[outcome])["id"]
        pi_attempt(call, pi, off_session=False)
    else:
        raise StripeError(
            400,
            "outcome is succeeded, declined, insufficient_funds, "
            "requires_action, processing or canceled",
        )


def _session_outcome(
    call: Call, session: dict[str, Any], outcome: str, body: dict[str, Any]
) -> None:
    if outcome == "expired":
        session_expire(call, session)
        return
    if outcome not in OUTCOME_CARDS:
        raise StripeError(
            400, "outcome is succeeded, declined, insufficient_funds, requires_action or expired"
        )
    pending = call.find(session["payment_intent"] or session["setup_intent"] or "")
    waiting = bool(pending and pending["status"] == "requires_action")
    session_pay(
        call,
        session,
        body.get("card") or OUTCOME_CARDS[outcome],
        authenticated=waiting and outcome == "succeeded",
    )


def _si_outcome(call: Call, si: dict[str, Any], outcome: str, body: dict[str, Any]) -> None:
    if outcome == "succeeded" and si["status"] == "requires_action":
        si_attempt(call, si, authenticated=True)
    elif outcome in OUTCOME_CARDS:
        si["payment_method"] = test_card(call, body.get("card") or OUTCOME_CARDS[outcome])["id"]
        si_attempt(call, si)
    else:
        raise StripeError(400, "outcome is succeeded, declined or requires_action")


def _refund_outcome(call: Call, refund: dict[str, Any], outcome: str) -> None:
    if outcome != "failed":
        raise StripeError(400, "outcome is failed (a refund succeeds by itself)")
    refund_fail(call, refund)


ACTIONS = {
    ("payment_intent", "outcome"): lambda c, o, b: _pi_outcome(c, o, str(b.get("outcome")), b),
    ("checkout.session", "outcome"): lambda c, o, b: _session_outcome(
        c, session_get(c, o["id"]), str(b.get("outcome")), b
    ),
    ("setup_intent", "outcome"): lambda c, o, b: _si_outcome(c, o, str(b.get("outcome")), b),
    ("account", "onboarding"): lambda c, o, b: account_onboard(c, o),
    ("charge", "dispute"): lambda c, o, b: dispute_open(
        c, o, b.get("reason", "fraudulent"), b.get("amount")
    ),
    ("dispute", "close"): lambda c, o, b: dispute_close(c, o, str(b.get("outcome"))),
    ("payout", "outcome"): lambda c, o, b: payout_settle(c, o, str(b.get("outcome", "paid"))),
    ("refund", "outcome"): lambda c, o, b: _refund_outcome(c, o, str(b.get("outcome"))),
}


def _shown(obj: dict[str, Any]) -> dict[str, Any]:
    shown = public(obj)
    if obj["object"] == "event":
        shown["deliveries"] = list(obj["_deliveries"])
    return shown


def hook(sandbox: StripeCore, request: Request) -> Response:
    body = request.json() or {}
    host = request.headers.get("Host", "127.0.0.1")
    with sandbox.lock:
        try:
            call, obj = sandbox.call_for(request.params["id"], host)
        except StripeError as error:
            return error.status, error.body(), {}
        action = ACTIONS.get((obj["object"], request.params["action"]))
        if action is None:
            return 404, {"error": {"message": "no such test hook for this object"}}, {}
        result, error_body = None, None
        try:
            result = action(call, obj, body)
        except StripeError as error:
            if error.status != 402:
                return error.status, error.body(), {}
            error_body = error.error
        shown = _shown(result if isinstance(result, dict) else obj)  # a dispute: the new one
        if error_body:
            shown["sandbox_error"] = error_body
        return 200, shown, {}


def peek(sandbox: StripeCore, request: Request) -> Response:
    with sandbox.lock:
        platform = sandbox.owners.get(request.params["id"])
        obj = platform.objects.get(request.params["id"]) if platform else None
        if obj is None:
            return 404, {"error": {"message": "no such object"}}, {}
        return 200, _shown(obj), {}


def events(sandbox: StripeCore, request: Request) -> Response:
    """Every event of the platform of ``?key=sk_test_…`` (both scopes), oldest first."""
    with sandbox.lock:
        platform = sandbox.platforms.get(request.query.get("key", ""))
        found = [
            o for o in (platform.objects.values() if platform else []) if o["object"] == "event"
        ]
        kind = request.query.get("type")
        shown = [
            _shown(e)
            for e in sorted(found, key=lambda e: e["_seq"])
            if not kind or e["type"] == kind
        ]
    return 200, {"object": "list", "data": shown}, {}


def resend(sandbox: StripeCore, request: Request) -> Response:
    """Deliver an event again (a duplicate delivery, as Stripe may make), optionally signed at
    another ``timestamp`` (to test the tolerance) or to one ``endpoint``."""
    body = request.json() or {}
    with sandbox.lock:
        platform = sandbox.owners.get(request.params["id"])
        event = platform.objects.get(request.params["id"]) if platform else None
        if platform is None or event is None or event["object"] != "event":
            return 404, {"error": {"message": "no such event"}}, {}
        endpoints = [
            o
            for o in platform.objects.values()
            if o["object"] == "webhook_endpoint"
            and o["_connect"] == ("account" in event)
            and body.get("endpoint") in (None, o["id"])
        ]
        for endpoint in endpoints:
            deliver(sandbox, event, endpoint, body.get("timestamp"))
    return 200, {"resent_to": [e["id"] for e in endpoints]}, {}


def faults(sandbox: StripeCore, request: Request) -> Response:
    """The next ``count`` API calls of platform ``key`` under ``path`` (default "/v1/") answer
    ``status`` (500, 502, 503 or 429), to test a driver's handling of Stripe's failures."""
    body = request.json() or {}
    key, status, count = body.get("key"), body.get("status", 500), body.get("count", 1)
    if not isinstance(key, str) or status not in (429, 500, 502, 503) or not isinstance(count, int):
        return 400, {"error": {"message": "key, status (429/500/502/503) and count"}}, {}
    with sandbox.lock:
        platform = sandbox.platforms.setdefault(key, Platform(key))
        platform.faults.append({"status": status, "count": count, "path": body.get("path", "/v1/")})
    return 200, {"faults": platform.faults}, {}


def register(sandbox: StripeCore) -> None:
    sandbox.route("POST", "/__sandbox/faults", lambda r: faults(sandbox, r))
    sandbox.route(
        "POST", "/__sandbox/objects/(?P<id>[^/]+)/(?P<action>[a-z_]+)", lambda r: hook(sandbox, r)
    )
    sandbox.route("GET", "/__sandbox/objects/(?P<id>[^/]+)", lambda r: peek(sandbox, r))
    sandbox.route("GET", "/__sandbox/events", lambda r: events(sandbox, r))
    sandbox.route("POST", "/__sandbox/events/(?P<id>[^/]+)/resend", lambda r: resend(sandbox, r))
