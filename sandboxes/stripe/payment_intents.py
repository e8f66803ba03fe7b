"""PaymentIntents: requires_payment_method → requires_confirmation →
(requires_action | processing) → succeeded, or canceled; a refused card brings a PaymentIntent
back to requires_payment_method with ``last_payment_error`` and answers 402 with the intent in
the error, as Stripe does. The test card decides (see objects.CARDS)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sandboxes.stripe.accounts import connected
from sandboxes.stripe.charges import charge_make, dispute_open
from sandboxes.stripe.customers import attach, payment_method_resolve
from sandboxes.stripe.objects import (
    DECLINE_MESSAGES,
    MINIMUM_CHARGE,
    StripeError,
    as_bool,
    as_currency,
    as_int,
    as_map,
    as_str,
    base,
    decline_code,
    invalid,
    list_of,
    matching,
    metadata,
    now,
    unknown_check,
)
from sandboxes.stripe.transfers import transfer_make

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

PI_FIELDS = {
    "amount",
    "currency",
    "customer",
    "payment_method",
    "confirm",
    "off_session",
    "setup_future_usage",
    "transfer_group",
    "metadata",
    "capture_method",
    "description",
    "receipt_email",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "payment_method_types",
    "automatic_payment_methods",
    "return_url",
    "application_fee_amount",
    "transfer_data",
    "on_behalf_of",
    "error_on_requires_action",
    "confirmation_method",
    "payment_method_options",
}
CANCELABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")


def _secret(intent_id: str) -> str:
    return f"{intent_id}_secret_{secrets.token_urlsafe(18)}"


def _method(call: Call, intent: dict[str, Any]) -> None:
    """Take ``payment_method`` from the params: a test token or a pm_ of the same customer."""
    value = as_str(call.params, "payment_method")
    if not value:
        return
    pm = payment_method_resolve(call, value)
    if pm["customer"] and pm["customer"] != intent["customer"]:
        raise invalid(
            "payment_method",
            f"The PaymentMethod {pm['id']} belongs to the Customer "
            f"{pm['customer']}. Please include the Customer in the `customer` "
            "parameter on the PaymentIntent.",
        )
    intent["payment_method"] = pm["id"]
    if intent["status"] == "requires_payment_method":
        intent["status"] = "requires_confirmation"


def _customer(call: Call) -> str | None:
    customer = as_str(call.params, "customer")
    return call.get("customer", customer, "customer")["id"] if customer else None


# --- the outcome of an attempt: shared by the API, the hosted pages and the test hooks ------
def pi_attempt(
    call: Call, pi: dict[str, Any], *, off_session: bool, authenticated: bool = False
) -> dict[str, Any]:
    pm = call.get("payment_method", pi["payment_method"])
    behaviour = pm["_behaviour"]
    needs_auth = behaviour == "auth_always" or (
        behaviour == "auth_on_setup" and not pm["_setup_done"]
    )
    if needs_auth and not authenticated:
        if off_session or pi["_error_on_requires_action"]:
            pi_fail(
                call,
                pi,
                pm,
                "authentication_required",
                "authentication_required",
                "Your card was declined. This transaction requires authentication.",
            )
        pi["status"] = "requires_action"
        page = f"{call.base_url}/3ds/{pi['id']}"
        back = pi["_return_url"]
        pi["next_action"] = (
            {"type": "redirect_to_url", "redirect_to_url": {"url": page, "return_url": back}}
            if back
            else {
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": page},
            }
        )
        call.emit("payment_intent.requires_action", pi)
        return pi
    reason = decline_code(behaviour)
    if reason:
        code = "expired_card" if reason == "expired_card" else "card_declined"
        pi_fail(call, pi, pm, code, reason, DECLINE_MESSAGES[reason], charge=True)
    return pi_succeed(call, pi, pm)


def pi_fail(
    call: Call,
    pi: dict[str, Any],
    pm: dict[str, Any],
    code: str,
    decline: str,
    message: str,
    *,
    charge: bool = False,
) -> None:
    """The attempt failed: back to requires_payment_method, the events, and a 402 raised."""
    error: dict[str, Any] = {
        "type": "card_error",
        "code": code,
        "decline_code": decline,
        "message": message,
        "payment_method": call.render(pm, []),
    }
    if charge:
        made = charge_make(call, pi, pm, (code, message))
        error["charge"] = pi["latest_charge"] = made["id"]
        call.emit("charge.failed", made)
    pi.update(
        status="requires_payment_method",
        last_payment_error=error,
        payment_method=None,
        next_action=None,
    )
    call.emit("payment_intent.payment_failed", pi)
    extra = {k: v for k, v in error.items() if k not in ("type", "code", "message")}
    raise StripeError(
        402, message, type="card_error", code=code, payment_intent=call.render(pi, []), **extra
    )


def pi_succeed(call: Call, pi: dict[str, Any], pm: dict[str, Any]) -> dict[str, Any]:
    charge = charge_make(call, pi, pm)
    call.balance_move(pi["currency"], pi["amount"])
    pi.update(
        status="succeeded",
        amount_received=pi["amount"],
        latest_charge=charge["id"],
        payment_method=pm["id"],
        next_action=None,
        last_payment_error=None,
    )
    if pi["setup_future_usage"] and pi["customer"]:
        attach(call, pm, call.get("customer", pi["customer"]))
        pm["_setup_done"] = True
    destination = (pi["transfer_data"] or {}).get("destination")
    if destination:  # a destination charge: the connected account's share leaves at once
        share = pi["transfer_data"].get("amount") or pi["amount"] - (
            pi["application_fee_amount"] or 0
        )
        transfer = transfer_make(call, destination, int(share), pi["currency"], charge["id"])
        transfer["transfer_group"] = pi["transfer_group"]
        charge["transfer"] = transfer["id"]
    call.emit("charge.succeeded", charge)
    call.emit("payment_intent.succeeded", pi)
    if pm["_behaviour"] == "dispute":
        dispute_open(call, charge)
    return pi


def pi_processing(call: Call, pi: dict[str, Any]) -> dict[str, Any]:
    pi.update(status="processing", next_action=None)
    call.emit("payment_intent.processing", pi)
    return pi


def pi_cancel(call: Call, pi: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    if pi["status"] not in CANCELABLE:
        raise StripeError(
            400,
            f"You cannot cancel this PaymentIntent because it has a status "
            f"of {pi['status']}. Only a PaymentIntent with one of the following "
            f"statuses may be canceled: {', '.join(CANCELABLE)}.",
            code="payment_intent_unexpected_state",
            payment_intent=call.render(pi, []),
        )
    pi.update(status="canceled", canceled_at=now(), cancellation_reason=reason, next_action=None)
    call.emit("payment_intent.canceled", pi)
    return pi


# --- /v1/payment_intents --------------------------------------------------------------------
def pi_new(call: Call, **fields: Any) -> dict[str, Any]:
    """A PaymentIntent from ``call.params`` (the API) or ``fields`` (Checkout)."""
    params = {**call.params, **fields}
    amount = as_int(params, "amount", required=True) or 0
    currency = as_currency(params)
    if amount < MINIMUM_CHARGE.get(currency, 50):
        raise invalid(
            "amount",
            f"Amount must be at least {MINIMUM_CHARGE.get(currency, 50)} {currency} minor units",
            "amount_too_small",
        )
    capture = as_str(params, "capture_method") or "automatic_async"
    if capture not in ("automatic", "automatic_async"):
        raise invalid("capture_method", "This sandbox serves automatic capture only.")
    usage = as_str(params, "setup_future_usage")
    if usage not in (None, "on_session", "off_session"):
        raise invalid("setup_future_usage", f"Invalid setup_future_usage: {usage}")
    transfer_data = as_map(params, "transfer_data") or None
    if transfer_data and not connected(call, str(transfer_data.get("destination"))):
        raise StripeError(
            400,
            f"No such destination: '{transfer_data.get('destination')}'",
            code="resource_missing",
            param="transfer_data[destination]",
        )
    pi = base(
        "pi",
        "payment_intent",
        amount=amount,
        amount_capturable=0,
        amount_received=0,
        currency=currency,
        customer=fields.get("customer") or _customer(call),
        description=as_str(params, "description"),
        capture_method=capture,
        confirmation_method=as_str(params, "confirmation_method") or "automatic",
        last_payment_error=None,
        latest_charge=None,
        next_action=None,
        metadata=dict(fields["metadata"] if "metadata" in fields else metadata(params)),
        payment_method=None,
        payment_method_types=["card"],
        processing=None,
        receipt_email=as_str(params, "receipt_email"),
        setup_future_usage=usage,
        status="requires_payment_method",
        transfer_group=as_str(params, "transfer_group"),
        transfer_data=transfer_data,
        on_behalf_of=as_str(params, "on_behalf_of"),
        application_fee_amount=as_int(params, "application_fee_amount"),
        canceled_at=None,
        cancellation_reason=None,
        statement_descriptor=None,
        _return_url=as_str(params, "return_url"),
        _error_on_requires_action=as_bool(params, "error_on_requires_action"),
    )
    pi["client_secret"] = _secret(pi["id"])
    return call.add(pi)


def pi_create(call: Call) -> dict[str, Any]:
    unknown_check(call.params, PI_FIELDS)
    confirm = as_bool(call.params, "confirm")
    off_session = as_bool(call.params, "off_session")
    if off_session and not confirm:
        raise invalid("off_session", "You may only specify off_session when confirm=true.")
    pi = pi_new(call)
    _method(call, pi)
    call.emit("payment_intent.created", pi)
    if confirm:
        if not pi["payment_method"]:
            raise invalid(
                "payment_method",
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                "payment_intent_unexpected_state",
            )
        pi_attempt(call, pi, off_session=off_session)
    return pi


def pi_confirm(call: Call, id: str) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "payment_method",
            "off_session",
            "return_url",
            "setup_future_usage",
            "receipt_email",
            "error_on_requires_action",
            "payment_method_options",
        },
    )
    pi = call.get("payment_intent", id, "intent")
    if pi["status"] not in CONFIRMABLE:
        raise StripeError(
            400,
            f"You cannot confirm this PaymentIntent because it has a status of {pi['status']}.",
            code="payment_intent_unexpected_state",
            payment_intent=call.render(pi, []),
        )
    _method(call, pi)
    if not pi["payment_method"]:
        raise invalid(
            "payment_method",
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            "payment_intent_unexpected_state",
        )
    if "setup_future_usage" in call.params:
        pi["setup_future_usage"] = as_str(call.params, "setup_future_usage")
    pi["_return_url"] = as_str(call.params, "return_url") or pi["_return_url"]
    return pi_attempt(call, pi, off_session=as_bool(call.params, "off_session"))


def pi_retrieve(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"client_secret"})
    return call.get("payment_intent", id, "intent")


def pi_update(call: Call, id: str) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "metadata",
            "description",
            "transfer_group",
            "payment_method",
            "setup_future_usage",
            "receipt_email",
            "amount",
            "customer",
        },
    )
    pi = call.get("payment_intent", id, "intent")
    if pi["status"] in ("succeeded", "canceled") and set(call.params) - {"metadata", "expand"}:
        raise StripeError(
            400,
            f"This PaymentIntent's {', '.join(call.params)} could not be "
            f"updated because it has a status of {pi['status']}.",
            code="payment_intent_unexpected_state",
        )
    for name in ("description", "transfer_group", "setup_future_usage", "receipt_email"):
        if name in call.params:
            pi[name] = as_str(call.params, name)
    if "amount" in call.params:
        pi["amount"] = as_int(call.params, "amount")
    if "customer" in call.params:
        pi["customer"] = _customer(call)
    pi["metadata"] = metadata(call.params, pi["metadata"])
    _method(call, pi)
    return pi


def pi_cancel_view(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"cancellation_reason"})
    pi = call.get("payment_intent", id, "intent")
    return pi_cancel(call, pi, as_str(call.params, "cancellation_reason"))


def pi_list(call: Call) -> dict[str, Any]:
    unknown_check(call.params, {"customer", "limit", "starting_after", "ending_before", "created"})
    found = matching(call.all("payment_intent"), call.params, ("customer",))
    return list_of(found, "/v1/payment_intents", call.params)


def register(sandbox: StripeCore) -> None:
    sandbox.api("POST", "payment_intents", pi_create)
    sandbox.api("GET", "payment_intents", pi_list)
    sandbox.api("GET", "payment_intents/(?P<id>[^/]+)", pi_retrieve)
    sandbox.api("POST", "payment_intents/(?P<id>[^/]+)", pi_update)
    sandbox.api("POST", "payment_intents/(?P<id>[^/]+)/confirm", pi_confirm)
    sandbox.api("POST", "payment_intents/(?P<id>[^/]+)/cancel", pi_cancel_view)
