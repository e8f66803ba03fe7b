"""A talent-iq quote, accepted and paid through FIB's sandbox over the API: what the refund,
payout and receipt tests start from."""

import json

from django_tenants.utils import tenant_context

from billing.models import Payment
from tests.support.client import api
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import listing_of

QUOTE = 50_000_000  # 50,000 IQD in fils


def accepted_quote(talent):
    provider, profile = provider_party(talent)
    with tenant_context(talent):
        listing = listing_of("quoted-service", provider=profile, price_minor=0)
    customer = party(talent)
    booking_id = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk}).json()["id"]
    quoted = provider.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/quote/", {"price_minor": QUOTE}
    )
    assert quoted.status_code == 200, quoted.content
    assert (
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/").status_code == 200
    )
    return provider, customer, booking_id


def quote_pay(customer, booking_id, key="attempt-0001", provider="fib"):
    return customer.api.post(
        f"/api/v1/bookings/{booking_id}/payments/",
        {"provider": provider, "return_url": "https://talent-test.localhost/paid"},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def paid_quote(talent, fib_sandbox, capture):
    provider, customer, booking_id = accepted_quote(talent)
    reference = booking_paid_through_fib(talent, fib_sandbox, capture, customer, booking_id)
    return provider, customer, booking_id, reference


def booking_paid_through_fib(talent, fib_sandbox, capture, customer, booking_id) -> str:
    """The customer pays the booking through FIB's sandbox, FIB's notification settles it;
    the payment's reference."""
    reference = quote_pay(customer, booking_id).json()["reference"]
    with tenant_context(talent):
        provider_ref = Payment.objects.get(reference=reference).provider_ref
    fib_sandbox.hook(
        f"/__sandbox/payments/{provider_ref}/outcome", {"outcome": "paid", "callback": False}
    )
    with capture(execute=True):
        api(talent).post(
            "/api/v1/payments/webhooks/fib/",
            json.dumps({"id": provider_ref, "status": "PAID"}),
            content_type="application/json",
        )
    assert customer.api.get(f"/api/v1/bookings/{booking_id}/").json()["state"] == "paid"
    return reference
