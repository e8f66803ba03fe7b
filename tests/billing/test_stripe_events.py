"""Stripe's non-payment events: a dispute posts a chargeback and holds the release (won: the
chargeback is reversed by a new transaction and the release goes ahead; lost: both stay), each
event has its effect once however often it is delivered; webhook endpoints Stripe has lost are
registered again."""

from datetime import timedelta

import time_machine
from django_tenants.utils import tenant_context

from billing.models import LedgerTransaction, StripeEvent, StripeTransfer, SubjectHold
from billing.services.connect import stripe_webhooks_ensure
from billing.services.refunds import subject_release
from bookings.services.payments import bookings_release_due
from demo.payments import sandbox_provider_configure
from tests.support.stripe_books import (
    DEPOSIT,
    FEE,
    PRICE,
    SHARE,
    StripeBooks,
    accepted_booking,
    balances,
    gbp,
    ledger_clean,
    onboard,
    pay,
    performance,
)

CHARGEBACK = LedgerTransaction.Kind.CHARGEBACK


def _dispute(books, payment, capture) -> str:
    intent = books.sandbox.peek(payment.provider_ref)["payment_intent"]
    dispute = books.sandbox.dispute(books.sandbox.peek(intent)["latest_charge"])
    for _delivery in range(2):  # delivered twice: one chargeback
        answer = books.relay("charge.dispute.created", dispute["id"], capture)
        assert answer.status_code == 200, answer.content
    return dispute["id"]


def test_a_chargeback_holds_the_release_until_the_dispute_is_won(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    provider, listing = performance(fire, PRICE)
    onboard(stripe_books, provider, capture)
    customer, booking_id, end = accepted_booking(fire, provider, listing, days=20)
    pay(stripe_books, customer, booking_id, "deposit-0004", capture)
    balance = pay(stripe_books, customer, booking_id, "balance-0004", capture)
    subject = f"booking:{booking_id}"

    dispute_ref = _dispute(stripe_books, balance, capture)
    disputed = PRICE - DEPOSIT
    # The disputed 450.00 leaves the Stripe balance, taken from the provider's pending share.
    assert balances(fire, provider) == {
        "pending": gbp(SHARE - disputed), "available": gbp(0), "fees": gbp(FEE),
        "clearing": gbp(PRICE - disputed),
    }  # fmt: skip
    with tenant_context(fire):
        assert LedgerTransaction.objects.filter(kind=CHARGEBACK, subject=subject).count() == 1
        assert SubjectHold.objects.get(subject=subject).lifted_at is None
        assert StripeEvent.objects.filter(type="charge.dispute.created").count() == 1
    ledger_clean(fire)

    with time_machine.travel(end + timedelta(hours=1)):
        done = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
        assert done.status_code == 200, done.content
    with time_machine.travel(end + timedelta(hours=80)), tenant_context(fire):
        with capture(execute=True):
            assert bookings_release_due() == 0  # on hold
        assert subject_release(subject=subject, reference="by-hand") is None

    stripe_books.sandbox.close_dispute(dispute_ref, "won")
    answer = stripe_books.relay("charge.dispute.closed", dispute_ref, capture)
    assert answer.status_code == 200, answer.content
    with tenant_context(fire):
        first, reversal = LedgerTransaction.objects.filter(kind=CHARGEBACK).order_by("pk")
        assert reversal.corrects_id == first.pk
        assert SubjectHold.objects.get(subject=subject).lifted_at is not None
    assert balances(fire, provider)["pending"] == gbp(SHARE)
    assert balances(fire, provider)["clearing"] == gbp(PRICE)
    with time_machine.travel(end + timedelta(hours=80)), tenant_context(fire):
        with capture(execute=True):
            assert bookings_release_due() == 1
        assert StripeTransfer.objects.filter(subject=subject).count() == 2
    assert balances(fire, provider)["clearing"] == gbp(FEE)
    ledger_clean(fire)


def test_a_lost_dispute_keeps_the_chargeback_and_the_hold(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    provider, listing = performance(fire, PRICE)
    customer, booking_id, _end = accepted_booking(fire, provider, listing, days=20)
    deposit = pay(stripe_books, customer, booking_id, "deposit-0005", capture)
    subject = f"booking:{booking_id}"
    dispute_ref = _dispute(stripe_books, deposit, capture)
    # The whole deposit: the provider's 138.00 pending first, then the 12.00 fee.
    assert balances(fire, provider) == {
        "pending": gbp(0), "available": gbp(0), "fees": gbp(0), "clearing": gbp(0),
    }  # fmt: skip
    stripe_books.sandbox.close_dispute(dispute_ref, "lost")
    assert stripe_books.relay("charge.dispute.closed", dispute_ref, capture).status_code == 200
    with tenant_context(fire):
        assert LedgerTransaction.objects.filter(kind=CHARGEBACK).count() == 1
        assert SubjectHold.objects.get(subject=subject).lifted_at is None
        assert StripeEvent.objects.get(type="charge.dispute.closed").outcome.startswith(
            "dispute lost"
        )
    ledger_clean(fire)


def test_webhook_endpoints_are_registered_again_when_stripe_has_lost_them(fire, stripe_sandbox):
    key = stripe_sandbox.new_key()
    with tenant_context(fire):
        sandbox_provider_configure(code="stripe", url=stripe_sandbox.url, secret_key=key)
        registered = StripeBooks(fire, stripe_sandbox, None, key).secrets()
        assert registered["webhook_secret"] and registered["connect_webhook_secret"]
        assert stripe_webhooks_ensure() is False  # both are there
        client = stripe_sandbox.client(key)
        for endpoint in client.v1.webhook_endpoints.list().data:
            assert endpoint.url == fire.absolute_url("/api/v1/payments/webhooks/stripe/")
            client.v1.webhook_endpoints.delete(endpoint.id)
        assert stripe_webhooks_ensure() is True
        again = StripeBooks(fire, stripe_sandbox, None, key).secrets()
        assert again["webhook_secret"] != registered["webhook_secret"]
        assert len(client.v1.webhook_endpoints.list().data) == 2
