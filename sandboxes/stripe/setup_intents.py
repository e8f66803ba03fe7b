"""SetupIntents: save a card for later (off-session) payments; the test card decides, as for
PaymentIntents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandboxes.stripe.customers import attach
from sandboxes.stripe.objects import (
    DECLINE_MESSAGES,
    StripeError,
    as_bool,
    as_str,
    base,
    decline_code,
    invalid,
    metadata,
    unknown_check,
)

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

from sandboxes.stripe.payment_intents import CONFIRMABLE, _customer, _method, _secret


def si_attempt(call: Call, si: dict[str, Any], *, authenticated: bool = False) -> dict[str, Any]:
    pm = call.get("payment_method", si["payment_method"])
    if pm["_behaviour"].startswith("auth_") and not authenticated:
        si.update(
            status="requires_action",
            next_action={
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {"stripe_js": f"{call.base_url}/3ds/{si['id']}"},
            },
        )
        call.emit("setup_intent.requires_action", si)
        return si
    reason = decline_code(pm["_behaviour"])
    if reason:
        error: dict[str, Any] = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": reason,
            "message": DECLINE_MESSAGES[reason],
            "payment_method": call.render(pm, []),
        }
        si.update(status="requires_payment_method", last_setup_error=error, payment_method=None)
        call.emit("setup_intent.setup_failed", si)
        raise StripeError(
            402,
            error["message"],
            type="card_error",
            code="card_declined",
            decline_code=reason,
            setup_intent=call.render(si, []),
        )
    if si["customer"]:
        attach(call, pm, call.get("customer", si["customer"]))
    pm["_setup_done"] = True
    si.update(status="succeeded", next_action=None, last_setup_error=None)
    call.emit("setup_intent.succeeded", si)
    return si


def si_new(call: Call, customer: str | None, usage: str = "off_session") -> dict[str, Any]:
    si = base(
        "seti",
        "setup_intent",
        customer=customer,
        description=None,
        last_setup_error=None,
        latest_attempt=None,
        mandate=None,
        next_action=None,
        metadata=metadata(call.params),
        payment_method=None,
        usage=usage,
        payment_method_types=["card"],
        status="requires_payment_method",
        cancellation_reason=None,
        on_behalf_of=None,
        single_use_mandate=None,
    )
    si["client_secret"] = _secret(si["id"])
    return call.add(si)


def si_create(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "customer",
            "payment_method",
            "confirm",
            "usage",
            "metadata",
            "payment_method_types",
            "description",
            "return_url",
            "automatic_payment_methods",
            "on_behalf_of",
        },
    )
    usage = as_str(call.params, "usage") or "off_session"
    if usage not in ("on_session", "off_session"):
        raise invalid("usage", f"Invalid usage: {usage}")
    si = si_new(call, _customer(call), usage)
    _method(call, si)
    call.emit("setup_intent.created", si)
    if as_bool(call.params, "confirm") and si["payment_method"]:
        si_attempt(call, si)
    return si


def si_confirm(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"payment_method", "return_url", "payment_method_options"})
    si = call.get("setup_intent", id, "intent")
    if si["status"] not in CONFIRMABLE:
        raise StripeError(
            400,
            f"You cannot confirm this SetupIntent because it has a status of {si['status']}.",
            code="setup_intent_unexpected_state",
        )
    _method(call, si)
    if not si["payment_method"]:
        raise invalid(
            "payment_method",
            "You cannot confirm this SetupIntent because it's missing a payment method.",
            "setup_intent_unexpected_state",
        )
    return si_attempt(call, si)


def si_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("setup_intent", id, "intent")


def si_cancel(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"cancellation_reason"})
    si = call.get("setup_intent", id, "intent")
    if si["status"] in ("succeeded", "canceled", "processing"):
        raise StripeError(
            400,
            f"You cannot cancel this SetupIntent because it has a status of {si['status']}.",
            code="setup_intent_unexpected_state",
        )
    si.update(status="canceled", cancellation_reason=as_str(call.params, "cancellation_reason"))
    call.emit("setup_intent.canceled", si)
    return si


def register(sandbox: StripeCore) -> None:
    sandbox.api("POST", "setup_intents", si_create)
    sandbox.api("GET", "setup_intents/(?P<id>[^/]+)", si_retrieve)
    sandbox.api("POST", "setup_intents/(?P<id>[^/]+)/confirm", si_confirm)
    sandbox.api("POST", "setup_intents/(?P<id>[^/]+)/cancel", si_cancel)
