"""Checkout Sessions (mode payment or setup) and the outcome of paying one.

As at Stripe (API versions since 2022-08-01), a payment-mode session has no PaymentIntent until
the payer submits the hosted page (or a test hook does): ``payment_intent`` is null while the
session is open and unpaid; ``checkout.session.completed`` carries it. A session past its
``expires_at`` expires when next read (``checkout.session.expired``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandboxes.stripe.customers import customer_new, test_card
from sandboxes.stripe.objects import (
    CARDS,
    MINIMUM_CHARGE,
    StripeError,
    as_currency,
    as_int,
    as_map,
    as_str,
    base,
    invalid,
    list_of,
    metadata,
    missing,
    new_id,
    now,
    unknown_check,
)
from sandboxes.stripe.payment_intents import pi_attempt, pi_cancel, pi_new
from sandboxes.stripe.setup_intents import si_attempt, si_new

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

SESSION_FIELDS = {
    "mode",
    "line_items",
    "success_url",
    "cancel_url",
    "return_url",
    "ui_mode",
    "customer",
    "customer_email",
    "customer_creation",
    "payment_intent_data",
    "setup_intent_data",
    "client_reference_id",
    "expires_at",
    "metadata",
    "payment_method_types",
    "currency",
    "locale",
    "submit_type",
    "billing_address_collection",
    "phone_number_collection",
    "allow_promotion_codes",
    "saved_payment_method_options",
    "payment_method_collection",
    "custom_text",
    "consent_collection",
}
INTENT_DATA = {
    "setup_future_usage",
    "transfer_group",
    "metadata",
    "description",
    "capture_method",
    "application_fee_amount",
    "transfer_data",
    "on_behalf_of",
    "receipt_email",
    "statement_descriptor",
}


def _line_items(call: Call) -> list[dict[str, Any]]:
    items = call.params.get("line_items")
    if not isinstance(items, list) or not items:
        raise missing("line_items")
    made = []
    for index, item in enumerate(items):
        param = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise invalid(param, f"Invalid hash: {param}", "parameter_invalid_hash")
        if item.get("price"):
            raise invalid(
                f"{param}[price]",
                f"No such price: '{item['price']}' (this sandbox serves price_data only)",
                "resource_missing",
            )
        data = item.get("price_data")
        if not isinstance(data, dict):
            raise missing(f"{param}[price_data]")
        unit = as_int(data, "unit_amount", required=True) or 0
        quantity = as_int(item, "quantity", required=True) or 0
        if unit < 0 or quantity < 1:
            raise invalid(
                f"{param}[quantity]",
                "Quantity must be at least 1 and the unit amount not negative.",
            )
        currency = as_currency(data)
        name = (data.get("product_data") or {}).get("name")
        if not name and not data.get("product"):
            raise missing(f"{param}[price_data][product_data][name]")
        price = {
            "id": new_id("price"),
            "object": "price",
            "currency": currency,
            "unit_amount": unit,
            "product": data.get("product") or new_id("prod"),
            "type": "one_time",
            "livemode": False,
        }
        made.append(
            {
                "id": new_id("li"),
                "object": "item",
                "amount_subtotal": unit * quantity,
                "amount_total": unit * quantity,
                "amount_discount": 0,
                "amount_tax": 0,
                "currency": currency,
                "description": name,
                "quantity": quantity,
                "price": price,
            }
        )
    if len({item["currency"] for item in made}) > 1:
        raise invalid("line_items", "All line items must use the same currency.")
    return made


def sessions_create(call: Call) -> dict[str, Any]:
    unknown_check(call.params, SESSION_FIELDS)
    mode = as_str(call.params, "mode", required=True)
    if mode not in ("payment", "setup"):
        raise invalid("mode", f"Invalid mode: {mode} (this sandbox serves payment and setup)")
    intent_data = as_map(call.params, "payment_intent_data")
    for name in intent_data:
        if name not in INTENT_DATA:
            raise StripeError(
                400,
                f"Received unknown parameter: payment_intent_data[{name}]",
                code="parameter_unknown",
                param=f"payment_intent_data[{name}]",
            )
    if intent_data and mode != "payment":
        raise invalid(
            "payment_intent_data", "You can not pass `payment_intent_data` in `setup` mode."
        )
    customer, email = as_str(call.params, "customer"), as_str(call.params, "customer_email")
    if customer and email:
        raise invalid(
            "customer_email",
            "You may only specify one of these parameters: customer, customer_email.",
        )
    if customer:
        call.get("customer", customer, "customer")
    items, total, currency = [], 0, (as_str(call.params, "currency") or "").lower() or None
    if mode == "payment":
        items = _line_items(call)
        total, currency = sum(i["amount_total"] for i in items), items[0]["currency"]
        if total < MINIMUM_CHARGE.get(currency, 50):
            raise invalid(
                "line_items",
                "The Checkout Session's total amount due must add up "
                f"to at least {MINIMUM_CHARGE.get(currency, 50)} {currency} minor "
                "units.",
                "amount_too_small",
            )
    created = now()
    expires = as_int(call.params, "expires_at") or created + 86400
    if not created + 1800 <= expires <= created + 86400:
        raise invalid(
            "expires_at",
            "The `expires_at` timestamp must be between 30 minutes and "
            "24 hours from Checkout Session creation.",
        )
    session = base(
        "cs_test",
        "checkout.session",
        mode=mode,
        status="open",
        payment_status="unpaid",
        amount_subtotal=total,
        amount_total=total,
        currency=currency,
        customer=customer,
        customer_email=email,
        customer_details=None,
        customer_creation=as_str(call.params, "customer_creation")
        or ("if_required" if not customer else None),
        client_reference_id=as_str(call.params, "client_reference_id"),
        success_url=as_str(call.params, "success_url"),
        cancel_url=as_str(call.params, "cancel_url"),
        expires_at=expires,
        metadata=metadata(call.params),
        payment_intent=None,
        setup_intent=None,
        payment_method_types=["card"],
        ui_mode="hosted",
        locale=None,
        submit_type=None,
        payment_method_collection="always",
        _line_items=items,
        _intent_data=intent_data,
    )
    session["id"] = new_id("cs_test", 58)
    session["url"] = f"{call.base_url}/c/pay/{session['id']}"
    return call.add(session)


def session_get(call: Call, session_id: str) -> dict[str, Any]:
    session = call.get("checkout.session", session_id, "session")
    if session["status"] == "open" and session["expires_at"] <= now():
        session_expire(call, session)
    return session


def session_expire(call: Call, session: dict[str, Any]) -> dict[str, Any]:
    if session["status"] != "open":
        raise StripeError(
            400,
            'Only Checkout Sessions with a status in ["open"] can be '
            f"expired. This session has a status of {session['status']}.",
            code="checkout_session_unexpected_state",
        )
    if session["payment_intent"]:
        pi = call.get("payment_intent", session["payment_intent"])
        if pi["status"] != "succeeded":
            pi_cancel(call, pi, "abandoned")
    session.update(status="expired", url=None)
    call.emit("checkout.session.expired", session, {"status": "open"})
    return session


def _customer_for(call: Call, session: dict[str, Any], saving: bool) -> str | None:
    if session["customer"] is None and (saving or session["customer_creation"] == "always"):
        made = customer_new(
            call, email=session["customer_email"] or "payer@example.com", name="Sandbox Payer"
        )
        session["customer"] = made["id"]
    return session["customer"]


def session_pay(
    call: Call, session: dict[str, Any], card: str = "visa", *, authenticated: bool = False
) -> dict[str, Any]:
    """The payer submits the hosted page with test card ``card`` (a CARDS name). A refused card
    raises the 402 StripeError and leaves the session open, as Stripe's page lets one retry."""
    if session["status"] != "open":
        raise invalid("session", f"This Checkout Session is {session['status']}.")
    if card not in CARDS:
        raise invalid("card", f"Unknown test card: {card}")
    if session["mode"] == "setup":
        si = call.find(session["setup_intent"] or "") or si_new(call, session["customer"])
        session["setup_intent"] = si["id"]
        if si["status"] != "requires_action":
            si["payment_method"] = test_card(call, card)["id"]
        si_attempt(call, si, authenticated=authenticated)
        if si["status"] == "succeeded":
            _complete(call, session, "no_payment_required")
        return session
    data = session["_intent_data"]
    pi = call.find(session["payment_intent"] or "")
    if pi is None:
        usage = data.get("setup_future_usage")
        fields = {k: v for k, v in data.items() if k not in ("metadata", "transfer_data")}
        pi = pi_new(
            call,
            **fields,
            amount=str(session["amount_total"]),
            currency=session["currency"],
            metadata=dict(data.get("metadata") or {}),
            customer=_customer_for(call, session, bool(usage)),
            transfer_data=data.get("transfer_data") or {},
        )
        pi["_session"] = session["id"]
        session["payment_intent"] = pi["id"]
        call.emit("payment_intent.created", pi)
    if pi["status"] != "requires_action":
        pi["payment_method"] = test_card(call, card)["id"]
        pi["status"] = "requires_confirmation"
    pi_attempt(call, pi, off_session=False, authenticated=authenticated)
    if pi["status"] == "succeeded":
        _complete(call, session, "paid")
    return session


def _complete(call: Call, session: dict[str, Any], payment_status: str) -> None:
    email = session["customer_email"] or "payer@example.com"
    if session["customer"]:
        email = call.get("customer", session["customer"])["email"] or email
    session.update(
        status="complete",
        payment_status=payment_status,
        url=None,
        customer_details={
            "email": email,
            "name": "Sandbox Payer",
            "phone": None,
            "address": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
    )
    call.emit("checkout.session.completed", session)


# --- /v1/checkout/sessions ------------------------------------------------------------------
def sessions_retrieve(call: Call, id: str) -> dict[str, Any]:
    session = session_get(call, id)
    if "line_items" in (call.params.get("expand") or []):
        shown = call.render(session, [p for p in call.params["expand"] if p != "line_items"])
        shown["line_items"] = list_of(
            session["_line_items"], f"/v1/checkout/sessions/{id}/line_items", {"limit": "100"}
        )
        return shown
    return session


def sessions_expire(call: Call, id: str) -> dict[str, Any]:
    return session_expire(call, session_get(call, id))


def sessions_line_items(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"limit", "starting_after", "ending_before"})
    items = session_get(call, id)["_line_items"]
    return list_of(items, f"/v1/checkout/sessions/{id}/line_items", call.params)


def sessions_list(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "payment_intent",
            "customer",
            "status",
            "limit",
            "starting_after",
            "ending_before",
            "created",
        },
    )
    found = [session_get(call, s["id"]) for s in call.all("checkout.session")]
    for name in ("payment_intent", "customer", "status"):
        wanted = as_str(call.params, name)
        if wanted:
            found = [s for s in found if s[name] == wanted]
    return list_of(found, "/v1/checkout/sessions", call.params)


def register(sandbox: StripeCore) -> None:
    sandbox.api("POST", "checkout/sessions", sessions_create)
    sandbox.api("GET", "checkout/sessions", sessions_list)
    sandbox.api("GET", "checkout/sessions/(?P<id>[^/]+)", sessions_retrieve)
    sandbox.api("POST", "checkout/sessions/(?P<id>[^/]+)/expire", sessions_expire)
    sandbox.api("GET", "checkout/sessions/(?P<id>[^/]+)/line_items", sessions_line_items)
