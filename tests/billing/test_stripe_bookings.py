"""Fire performers paid through Stripe end to end: the provider onboards (account.updated), the
customer pays the deposit at acceptance and then the balance through the booking payments API
on Stripe Checkout, the signed webhooks move the booking, the money waits on the platform, and
the completed booking's share is released by a transfer to the provider's connected account
after the release delay; a cancelled one is refunded in part through Stripe and the rest
released; a refund decided after the release reverses the transfers first. Every step leaves
a balanced ledger."""

from datetime import timedelta

import time_machine
from django_tenants.utils import tenant_context

from billing.models import (
    LedgerTransaction,
    Payment,
    SavedPaymentMethod,
    StripeEvent,
    StripeTransfer,
)
from billing.providers.base import PaymentState
from billing.services.refunds import subject_settle
from bookings.services.payments import bookings_release_due
from tests.support.stripe_books import (
    DEPOSIT,
    FEE,
    PRICE,
    SHARE,
    accepted_booking,
    balances,
    gbp,
    ledger_clean,
    onboard,
    pay,
    performance,
)


def test_a_fire_performance_paid_through_stripe_is_released_by_transfer(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    provider, listing = performance(fire, PRICE)
    account_ref = onboard(stripe_books, provider, capture)
    customer, booking_id, end = accepted_booking(fire, provider, listing, days=20)

    deposit = pay(stripe_books, customer, booking_id, "deposit-0001", capture)
    assert (deposit.purpose, deposit.amount_minor) == ("deposit", DEPOSIT)
    booking = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert booking["state"] == "confirmed" and booking["money"]["paid_minor"] == DEPOSIT
    with tenant_context(fire):
        saved = SavedPaymentMethod.objects.get(user=customer.user, provider="stripe")
        assert saved.label == "Visa •••• 4242"
    # The other event of the same payment, and a replay, change nothing more.
    assert stripe_books.relay("payment_intent.succeeded", capture=capture).status_code == 200
    replayed = stripe_books.relay("checkout.session.completed", deposit.provider_ref, capture)
    assert replayed.status_code == 200
    balance = pay(stripe_books, customer, booking_id, "balance-0001", capture)
    assert (balance.purpose, balance.amount_minor) == ("balance_payment", PRICE - DEPOSIT)
    assert customer.api.get(f"/api/v1/bookings/{booking_id}/").json()["state"] == "paid"
    # The money waits on the platform's Stripe balance.
    assert balances(fire, provider) == {
        "pending": gbp(SHARE), "available": gbp(0), "fees": gbp(FEE), "clearing": gbp(PRICE),
    }  # fmt: skip
    with tenant_context(fire):
        assert LedgerTransaction.objects.filter(subject=f"booking:{booking_id}").count() == 2
        assert StripeEvent.objects.filter(type="checkout.session.completed").count() == 2
    ledger_clean(fire)

    fire.release_delay_hours = 48
    fire.save(update_fields=["release_delay_hours"])
    with time_machine.travel(end + timedelta(hours=1)):
        done = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
        assert done.status_code == 200, done.content
        with tenant_context(fire):
            assert bookings_release_due() == 0  # the delay has not passed
    with time_machine.travel(end + timedelta(hours=50)), tenant_context(fire):
        with capture(execute=True):
            assert bookings_release_due() == 1
        assert bookings_release_due() == 0
        transfers = list(StripeTransfer.objects.order_by("payment_id"))
    # One transfer per charge, in proportion: 55.20 of 600 = 13.80 + 41.40.
    assert [(t.payment_id, t.amount_minor) for t in transfers] == [
        (deposit.pk, 13_800), (balance.pk, 41_400),
    ]  # fmt: skip
    for transfer in transfers:
        seen = stripe_books.sandbox.peek(transfer.transfer_ref)
        assert seen["destination"] == account_ref
        assert seen["transfer_group"] == f"booking:{booking_id}"
        assert seen["source_transaction"].startswith("ch_")
    assert balances(fire, provider) == {
        "pending": gbp(0), "available": gbp(0), "fees": gbp(FEE), "clearing": gbp(FEE),
    }  # fmt: skip
    ledger_clean(fire)

    # A full refund decided after the release: the transfers give the provider's share back
    # first, then both charges are refunded on Stripe.
    with tenant_context(fire), capture(execute=True):
        subject_settle(subject=f"booking:{booking_id}", refund=gbp(PRICE), reference="staff-1")
    for transfer in transfers:
        seen = stripe_books.sandbox.peek(transfer.transfer_ref)
        assert seen["amount_reversed"] == transfer.amount_minor
    with tenant_context(fire):
        assert set(Payment.objects.values_list("state", flat=True)) == {PaymentState.REFUNDED}
        assert not Payment.objects.exclude(failure_code="").exists()
    assert balances(fire, provider) == {
        "pending": gbp(0), "available": gbp(0), "fees": gbp(0), "clearing": gbp(0),
    }  # fmt: skip
    ledger_clean(fire)


def test_a_cancelled_stripe_booking_is_refunded_in_part_and_the_rest_transferred(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    provider, listing = performance(fire, PRICE)
    onboard(stripe_books, provider, capture)
    # Ten days' notice: between the partial (72 h) and full (336 h) refund lines, so half.
    customer, booking_id, _end = accepted_booking(fire, provider, listing, days=10)
    deposit = pay(stripe_books, customer, booking_id, "deposit-0002", capture)
    with capture(execute=True):
        cancelled = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    with tenant_context(fire):
        deposit.refresh_from_db()
        assert deposit.state == PaymentState.PARTIALLY_REFUNDED
        assert deposit.refunded_minor == 7_500 and deposit.failure_code == ""
        transfer = StripeTransfer.objects.get(subject=f"booking:{booking_id}")
    intent = stripe_books.sandbox.peek(deposit.provider_ref)["payment_intent"]
    charge = stripe_books.sandbox.peek(stripe_books.sandbox.peek(intent)["latest_charge"])
    assert charge["amount_refunded"] == 7_500
    # The provider's 138.00 of the deposit gives half back and the rest, 69.00, is transferred.
    assert transfer.amount_minor == 6_900
    assert balances(fire, provider) == {
        "pending": gbp(0), "available": gbp(0), "fees": gbp(600), "clearing": gbp(600),
    }  # fmt: skip
    ledger_clean(fire)


def test_a_provider_without_an_account_is_transferred_once_onboarded(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    provider, listing = performance(fire, PRICE)
    customer, booking_id, _end = accepted_booking(fire, provider, listing, days=10)
    pay(stripe_books, customer, booking_id, "deposit-0003", capture)
    with capture(execute=True):
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/")
    # Released, not transferred: the share waits in available earnings.
    assert balances(fire, provider)["available"] == gbp(6_900)
    with tenant_context(fire):
        assert not StripeTransfer.objects.exists()
    onboard(stripe_books, provider, capture)
    with tenant_context(fire):
        assert StripeTransfer.objects.get().amount_minor == 6_900
    assert balances(fire, provider)["available"] == gbp(0)
    ledger_clean(fire)
