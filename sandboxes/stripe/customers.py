"""Customers and PaymentMethods, with Stripe's test payment methods (``pm_card_visa``…,
``tok_visa``…) that become a new ``pm_…`` each time they are used, as at Stripe."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sandboxes.stripe.objects import (
    CARDS,
    StripeError,
    as_map,
    as_str,
    base,
    invalid,
    list_of,
    metadata,
    missing,
    unknown_check,
)

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

CUSTOMER_FIELDS = {
    "email",
    "name",
    "phone",
    "description",
    "metadata",
    "payment_method",
    "invoice_settings",
    "address",
    "preferred_locales",
}


def test_card(call: Call, name: str) -> dict[str, Any]:
    """A new, unattached card PaymentMethod from the test card ``name`` (visa, chargeDeclined…)."""
    brand, last4, behaviour = CARDS[name]
    year = datetime.now(UTC).year + 3
    card = {
        "brand": brand,
        "display_brand": brand,
        "last4": last4,
        "exp_month": 12,
        "exp_year": year,
        "country": "US",
        "funding": "credit",
        "wallet": None,
        "networks": {"available": [brand], "preferred": None},
        "three_d_secure_usage": {"supported": True},
        "checks": {
            "address_line1_check": None,
            "address_postal_code_check": None,
            "cvc_check": "pass",
        },
        "fingerprint": hashlib.sha256(name.encode()).hexdigest()[:16],
    }
    billing = {
        "address": {
            "city": None,
            "country": None,
            "line1": None,
            "line2": None,
            "postal_code": None,
            "state": None,
        },
        "email": None,
        "name": None,
        "phone": None,
    }
    pm = base(
        "pm",
        "payment_method",
        type="card",
        card=card,
        billing_details=billing,
        customer=None,
        metadata={},
        allow_redisplay="unspecified",
        _behaviour=behaviour,
        _setup_done=False,
    )
    return call.add(pm)


def payment_method_resolve(call: Call, value: str, param: str = "payment_method") -> dict[str, Any]:
    """``pm_card_<name>`` → a fresh PaymentMethod; any other id must be one of this scope's."""
    if value.startswith("pm_card_") and value[8:] in CARDS:
        return test_card(call, value[8:])
    return call.get("payment_method", value, param)


def attach(call: Call, pm: dict[str, Any], customer: dict[str, Any]) -> None:
    if pm["customer"] == customer["id"]:
        return
    if pm["customer"] is not None:
        raise invalid(
            "payment_method",
            "The payment method you provided has already been attached to a customer.",
            "payment_method_unexpected_state",
        )
    pm["customer"] = customer["id"]
    call.emit("payment_method.attached", pm)


# --- /v1/customers --------------------------------------------------------------------------
def customer_new(call: Call, **fields: Any) -> dict[str, Any]:
    customer = base(
        "cus",
        "customer",
        email=None,
        name=None,
        phone=None,
        description=None,
        address=None,
        shipping=None,
        balance=0,
        currency=None,
        default_source=None,
        delinquent=False,
        discount=None,
        invoice_prefix=None,
        preferred_locales=[],
        tax_exempt="none",
        metadata={},
        invoice_settings={
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
    )
    customer.update(fields)
    call.add(customer)
    call.emit("customer.created", customer)
    return customer


def customers_create(call: Call) -> dict[str, Any]:
    unknown_check(call.params, CUSTOMER_FIELDS)
    fields = {name: as_str(call.params, name) for name in ("email", "name", "phone", "description")}
    customer = customer_new(call, metadata=metadata(call.params), **fields)
    method = as_str(call.params, "payment_method")
    if method:
        attach(call, payment_method_resolve(call, method), customer)
    _default_method(call, customer)
    return customer


def _default_method(call: Call, customer: dict[str, Any]) -> None:
    default = as_map(call.params, "invoice_settings").get("default_payment_method")
    if default:
        pm = call.get("payment_method", default, "invoice_settings[default_payment_method]")
        if pm["customer"] != customer["id"]:
            raise invalid(
                "invoice_settings[default_payment_method]",
                "The customer does not have a payment method with the ID " + default + ".",
            )
        customer["invoice_settings"]["default_payment_method"] = default


def customers_retrieve(call: Call, id: str) -> dict[str, Any]:
    customer = call.find(id)
    if customer and customer.get("_deleted"):
        return {"id": id, "object": "customer", "deleted": True}
    return call.get("customer", id)


def customers_update(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, CUSTOMER_FIELDS - {"payment_method"})
    customer = call.get("customer", id)
    previous: dict[str, Any] = {}
    for name in ("email", "name", "phone", "description"):
        if name in call.params:
            previous[name] = customer[name]
            customer[name] = as_str(call.params, name)
    customer["metadata"] = metadata(call.params, customer["metadata"])
    _default_method(call, customer)
    call.emit("customer.updated", customer, previous)
    return customer


def customers_list(call: Call) -> dict[str, Any]:
    unknown_check(call.params, {"email", "limit", "starting_after", "ending_before", "created"})
    found = [c for c in call.all("customer") if not c.get("_deleted")]
    email = as_str(call.params, "email")
    if email:
        found = [c for c in found if c["email"] == email]
    return list_of(found, "/v1/customers", call.params)


def customers_delete(call: Call, id: str) -> dict[str, Any]:
    customer = call.get("customer", id)
    customer["_deleted"] = True
    call.emit("customer.deleted", customer)
    return {"id": id, "object": "customer", "deleted": True}


def customer_methods(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"type", "limit", "starting_after", "ending_before"})
    call.get("customer", id)
    found = [pm for pm in call.all("payment_method") if pm["customer"] == id]
    return list_of(found, f"/v1/customers/{id}/payment_methods", call.params)


# --- /v1/payment_methods --------------------------------------------------------------------
def methods_create(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "type",
            "card",
            "billing_details",
            "metadata",
            "customer",
            "payment_method",
            "allow_redisplay",
        },
    )
    if as_str(call.params, "type", required=True) != "card":
        raise invalid("type", "This sandbox serves card payment methods only.")
    token = str(as_map(call.params, "card").get("token") or "")
    if not token:
        raise StripeError(
            402,
            "Sending credit card numbers directly to the Stripe API is "
            "generally unsafe. Use test tokens (tok_visa…) instead.",
            type="card_error",
            code="card_declined",
            param="card[number]",
        )
    if not token.startswith("tok_") or token[4:] not in CARDS:
        raise invalid("card[token]", f"No such token: '{token}'", "resource_missing")
    pm = test_card(call, token[4:])
    pm["metadata"] = metadata(call.params)
    pm["billing_details"].update(
        {k: v for k, v in as_map(call.params, "billing_details").items() if k != "address"}
    )
    return pm


def methods_retrieve(call: Call, id: str) -> dict[str, Any]:
    return payment_method_resolve(call, id, "payment_method")  # pm_card_visa too, as at Stripe


def methods_attach(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"customer"})
    customer = call.get(
        "customer", as_str(call.params, "customer", required=True) or "", "customer"
    )
    pm = payment_method_resolve(call, id, "payment_method")
    if pm["_behaviour"].startswith("decline:"):  # Stripe checks the card when attaching
        raise StripeError(
            402,
            "Your card was declined.",
            type="card_error",
            code="card_declined",
            decline_code=pm["_behaviour"][8:],
            param="",
        )
    attach(call, pm, customer)
    return pm


def methods_detach(call: Call, id: str) -> dict[str, Any]:
    pm = call.get("payment_method", id)
    if pm["customer"] is None:
        raise invalid(
            "payment_method",
            "The payment method you provided is not attached to a "
            "customer so detachment is impossible.",
            "payment_method_unexpected_state",
        )
    previous = {"customer": pm["customer"]}
    pm["customer"] = None
    call.emit("payment_method.detached", pm, previous)
    return pm


def methods_list(call: Call) -> dict[str, Any]:
    unknown_check(call.params, {"customer", "type", "limit", "starting_after", "ending_before"})
    customer = as_str(call.params, "customer")
    if not customer:
        raise missing("customer")
    call.get("customer", customer, "customer")
    found = [pm for pm in call.all("payment_method") if pm["customer"] == customer]
    return list_of(found, "/v1/payment_methods", call.params)


def register(sandbox: StripeCore) -> None:
    sandbox.api("POST", "customers", customers_create)
    sandbox.api("GET", "customers", customers_list)
    sandbox.api("GET", "customers/(?P<id>[^/]+)", customers_retrieve)
    sandbox.api("POST", "customers/(?P<id>[^/]+)", customers_update)
    sandbox.api("DELETE", "customers/(?P<id>[^/]+)", customers_delete)
    sandbox.api("GET", "customers/(?P<id>[^/]+)/payment_methods", customer_methods)
    sandbox.api("POST", "payment_methods", methods_create)
    sandbox.api("GET", "payment_methods", methods_list)
    sandbox.api("GET", "payment_methods/(?P<id>[^/]+)", methods_retrieve)
    sandbox.api("POST", "payment_methods/(?P<id>[^/]+)/attach", methods_attach)
    sandbox.api("POST", "payment_methods/(?P<id>[^/]+)/detach", methods_detach)
