"""Talent Iraq: a quoted booking paid through FIB end to end — the customer opens the payment
over the API, pays in the (sandbox) bank, FIB calls back, the booking is paid and the ledger
holds the provider's share pending and the platform's fee."""

import json

from django_tenants.utils import tenant_context

from billing.models import LedgerAccount
from billing.money import Money
from billing.selectors.ledger import ledger_balance, ledger_problems
from tests.support.client import api
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import listing_of

QUOTE = 50_000_000  # 50,000 IQD in fils
Kind = LedgerAccount.Kind


def _accepted_quote(talent):
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


def _pay(customer, booking_id, key="attempt-0001"):
    return customer.api.post(
        f"/api/v1/bookings/{booking_id}/payments/",
        {"provider": "fib", "return_url": "https://talent-test.localhost/paid"},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_quote_paid_through_fib_reaches_a_paid_booking_and_a_balanced_ledger(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    provider, customer, booking_id = _accepted_quote(talent)
    assert _pay(provider, booking_id).status_code == 403  # only the customer pays
    opened = _pay(customer, booking_id)
    assert opened.status_code == 201, opened.content
    payment = opened.json()
    assert payment["amount_minor"] == QUOTE and payment["currency"] == "IQD"
    assert payment["state"] == "pending" and payment["purpose"] == "charge"
    assert payment["next_action"]["type"] == "qr" and payment["next_action"]["readable_code"]
    assert _pay(customer, booking_id).json()["reference"] == payment["reference"]  # same key

    with tenant_context(talent):
        from billing.models import Payment

        provider_ref = Payment.objects.get(reference=payment["reference"]).provider_ref
    fib_sandbox.hook(
        f"/__sandbox/payments/{provider_ref}/outcome", {"outcome": "paid", "callback": False}
    )
    fib = api(talent)
    with django_capture_on_commit_callbacks(execute=True):
        answer = fib.post(
            "/api/v1/payments/webhooks/fib/",
            json.dumps({"id": provider_ref, "status": "PAID"}),
            content_type="application/json",
        )
    assert answer.status_code == 202

    booking = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert booking["state"] == "paid" and booking["money"]["paid_minor"] == QUOTE
    seen = customer.api.get(f"/api/v1/payments/{payment['reference']}/").json()
    assert seen["state"] == "paid" and seen["paid_at"]
    assert party(talent).api.get(f"/api/v1/payments/{payment['reference']}/").status_code == 404
    with tenant_context(talent):
        pending = ledger_balance(kind=Kind.PROVIDER_PENDING, currency="IQD", owner=provider.user)
        assert pending == Money(45_000_000, "IQD")
        assert ledger_balance(kind=Kind.PLATFORM_FEES, currency="IQD") == Money(5_000_000, "IQD")
        assert ledger_problems() == []
    assert _pay(customer, booking_id, key="attempt-0002").json()["error"] == "not_awaiting_payment"


def test_a_payment_needs_an_idempotency_key_and_a_provider_the_marketplace_uses(talent, fib_books):
    _provider, customer, booking_id = _accepted_quote(talent)
    assert _pay(customer, booking_id, key="short").json()["error"] == "idempotency_key_required"
    with tenant_context(talent):
        from billing.models import ProviderAccount

        ProviderAccount.objects.filter(code="fib").update(enabled=False)
    refused = _pay(customer, booking_id)
    assert refused.status_code == 422 and refused.json()["error"] == "provider_not_enabled"
