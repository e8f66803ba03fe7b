"""Cards kept by Stripe are charged without their holder, end to end against the sandbox: a
fire-performers balance on its due day (the card saved with the deposit, no payment link
needed), and a psychic-readers customer's prepaid balance, topped up through Stripe Checkout,
reloaded when a reading takes it under their threshold. The books balance after each."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import TestCase
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance, prepaid_balance_charge
from billing.models import LedgerAccount, Payment, SavedPaymentMethod
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from bookings.models import Booking
from bookings.services.balance_payments import bookings_balance_due_run
from tenants.models import Marketplace
from tests.support.factories.accounts import UserFactory
from tests.support.factories.bookings import party
from tests.support.stripe_books import (
    accepted_booking,
    onboard,
    pay,
    performance,
    stripe_books_for,
)

Kind = LedgerAccount.Kind
PRICE, DEPOSIT = 60_000, 15_000  # GBP pence: a 25 % deposit
DUE_DAYS = 7


def test_the_balance_is_charged_to_the_deposits_card_on_its_due_day(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    Marketplace.objects.filter(pk=fire.pk).update(balance_due_days=DUE_DAYS)
    provider, listing = performance(fire, PRICE)
    onboard(stripe_books, provider, capture)
    customer, booking_id, _end = accepted_booking(fire, provider, listing, days=20)
    deposit = pay(stripe_books, customer, booking_id, "deposit-0001", capture)
    assert deposit.purpose == "deposit"
    with tenant_context(fire):
        booking = Booking.objects.get(pk=booking_id)
        assert SavedPaymentMethod.objects.filter(user=customer.user, provider="stripe").exists()
    mail.outbox.clear()

    # The day before the due day nothing happens; on it the saved card is charged.
    due_day = booking.starts_at - timedelta(days=DUE_DAYS)
    for moment, asked in ((due_day - timedelta(days=1), 0), (due_day + timedelta(hours=1), 1)):
        with (
            time_machine.travel(moment, tick=False),
            tenant_context(fire),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            assert bookings_balance_due_run()["balance_requested"] == asked

    with tenant_context(fire):
        balance = Payment.objects.get(subject=f"booking:{booking_id}", purpose="balance_payment")
        assert (balance.state, balance.amount_minor) == (PaymentState.PAID, PRICE - DEPOSIT)
        assert balance.provider_ref.startswith("pi_")  # a PaymentIntent, charged off-session
        booking.refresh_from_db()
        assert booking.paid_minor == PRICE
        assert ledger_balance(
            kind=Kind.GATEWAY_CLEARING, currency="GBP", provider="stripe"
        ) == Money(PRICE, "GBP")
        assert ledger_problems() == []
    # Charged without them: no payment link was needed.
    assert not [m for m in mail.outbox if "/pay/" in m.body]


def test_a_reading_that_takes_the_balance_under_the_threshold_reloads_it_from_the_card(
    make_marketplace, stripe_sandbox, webhook_inbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    psychic = make_marketplace("psychic-readers")
    books = stripe_books_for(psychic, stripe_sandbox, webhook_inbox)
    with tenant_context(psychic):
        reader = UserFactory(role="provider")
    customer = party(psychic)

    # A top-up through Stripe Checkout, keeping the card.
    opened = customer.api.post(
        "/api/v1/wallet/top-ups/",
        {"amount_minor": 2_000, "currency": "USD", "provider": "stripe",
         "return_url": "https://psychic.localhost/wallet", "save_method": True},
        HTTP_IDEMPOTENCY_KEY="top-up-0001",
    )  # fmt: skip
    assert opened.status_code == 201, opened.content
    with tenant_context(psychic):
        top_up = Payment.objects.get(reference=opened.json()["reference"])
    books.sandbox.outcome(top_up.provider_ref, "succeeded")
    assert (
        books.relay("checkout.session.completed", top_up.provider_ref, capture).status_code == 200
    )
    with tenant_context(psychic):
        assert prepaid_balance(customer=customer.user, currency="USD") == Money(2_000, "USD")
        saved = SavedPaymentMethod.objects.get(user=customer.user, provider="stripe")

    settings = customer.api.put(
        "/api/v1/wallet/auto-reload/USD/",
        {"enabled": True, "threshold_minor": 1_000, "amount_minor": 2_500, "method_id": saved.pk},
    )
    assert settings.status_code == 200, settings.content

    # Minutes of a reading: the one that crosses the threshold reloads, once.
    with tenant_context(psychic), capture(execute=True):
        for minute in range(1, 4):
            prepaid_balance_charge(
                customer=customer.user, amount=Money(400, "USD"), payee=reader,
                fee=Money(120, "USD"), reference=f"reading:1:{minute}",
            )  # fmt: skip
    with tenant_context(psychic):
        reloads = Payment.objects.filter(payer=customer.user, purpose="top_up").exclude(
            pk=top_up.pk
        )
        assert [(p.state, p.amount_minor) for p in reloads] == [(PaymentState.PAID, 2_500)]
        # 2,000 - 3 x 400 + 2,500
        assert prepaid_balance(customer=customer.user, currency="USD") == Money(3_300, "USD")
        assert ledger_balance(kind=Kind.PROVIDER_PENDING, currency="USD", owner=reader) == Money(
            840, "USD"
        )
        assert ledger_problems() == []
