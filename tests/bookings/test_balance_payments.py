"""Deposits and balances on an IQD marketplace of fire performers (FIB and FastPay through
their sandboxes): the deposit is paid at acceptance; on the balance's due day the Iraqi
gateways cannot charge a saved card, so the customer is e-mailed a payment link, which pays
the rest; a balance left unpaid is reminded, then the booking is cancelled as by the
customer and the deposit refunded as the cancellation rules give."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, Payment
from billing.selectors.ledger import ledger_balance, ledger_problems
from bookings.models import Booking, BookingEvent, Notification
from bookings.services.balance_payments import bookings_balance_due_run
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party
from tests.support.factories.catalog import listing_of
from tests.support.mail import last_mail_to, link_in
from tests.support.wallet import iqd, iqd_marketplace, sandbox_pays

PRICE = iqd(400_000)  # 25 % deposit: 100,000 IQD; balance 300,000 IQD
DUE_DAYS = 7
Kind = LedgerAccount.Kind


@pytest.fixture
def performers(make_marketplace, fib_sandbox, fastpay_sandbox):
    return iqd_marketplace(
        make_marketplace("fire-performers"), fib_sandbox, fastpay_sandbox,
        balance_due_days=DUE_DAYS, balance_grace_hours=24,
    )  # fmt: skip


def _confirmed_booking(marketplace, fib_sandbox):
    """A booking 30 days ahead, accepted, its deposit paid through FIB."""
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile, price_minor=PRICE.amount_minor)
    customer = party(marketplace)
    start, end = evening(days=30)
    created = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    accepted = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    deposit = customer.api.post(
        f"/api/v1/bookings/{booking_id}/payments/",
        {"provider": "fib", "return_url": "https://performers.localhost/paid"},
        HTTP_IDEMPOTENCY_KEY="deposit-0001",
    ).json()
    assert (deposit["purpose"], deposit["amount_minor"]) == ("deposit", iqd(100_000).amount_minor)
    sandbox_pays(marketplace, fib_sandbox, deposit["reference"])
    booking = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert booking["state"] == "confirmed", booking
    return provider, customer, booking_id, start


def _run(marketplace, at):
    with (
        time_machine.travel(at, tick=False),
        tenant_context(marketplace),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        return bookings_balance_due_run()


def _link_path(customer, marketplace) -> str:
    message = last_mail_to(customer.user.email)
    return link_in(message, r"https?://[^/\s]+(/pay/[^/\s]+/)").group(1)


def test_the_balance_is_asked_for_by_a_payment_link_on_its_due_day_and_paid_through_it(
    performers, fib_sandbox, fastpay_sandbox
):
    provider, customer, booking_id, start = _confirmed_booking(performers, fib_sandbox)
    due_at = start - timedelta(days=DUE_DAYS)
    assert _run(performers, due_at - timedelta(hours=1))["balance_requested"] == 0
    mail.outbox.clear()
    assert _run(performers, due_at + timedelta(minutes=1))["balance_requested"] == 1
    assert _run(performers, due_at + timedelta(minutes=2))["balance_requested"] == 0  # once
    with tenant_context(performers):
        asked = BookingEvent.objects.filter(booking_id=booking_id, transition="balance_due")
        assert asked.count() == 1
        entry = Notification.objects.get(user=customer.user, kind="balance_due")
        assert "300000.000 IQD" in entry.body
    path = _link_path(customer, performers)
    assert len([m for m in mail.outbox if customer.user.email in m.to]) == 1

    # Anyone holding the link sees what is due, and pays it; here through FastPay.
    visitor = api(performers)
    page = visitor.get(path)
    assert page.status_code == 200 and b"300000.000 IQD" in page.content
    sent_on = visitor.post_form(path, {"provider": "fastpay"})
    assert sent_on.status_code == 302 and "/pay?token=" in sent_on["Location"]
    # Opened again, the link resumes the same payment.
    assert visitor.post_form(path, {"provider": "fastpay"})["Location"] == sent_on["Location"]
    with tenant_context(performers):
        balance = Payment.objects.get(subject=f"booking:{booking_id}", provider="fastpay")
        assert (balance.purpose, balance.amount_minor) == ("balance_payment", 300_000_000)
        assert balance.payer_id == customer.user.pk
    sandbox_pays(performers, fastpay_sandbox, balance.reference)

    booking = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert booking["state"] == "paid" and booking["money"]["paid_minor"] == PRICE.amount_minor
    assert b"Nothing is due" in visitor.get(path).content
    # Paid: no reminder, no cancellation.
    later = due_at + timedelta(days=2)
    assert _run(performers, later) == {"balance_requested": 0, "balance_reminded": 0,
                                       "balance_cancelled": 0}  # fmt: skip
    with tenant_context(performers):
        pending = ledger_balance(kind=Kind.PROVIDER_PENDING, currency="IQD", owner=provider.user)
        assert pending == iqd(368_000)  # the price less 8 %
        assert ledger_problems() == []


def test_a_link_opened_through_fib_shows_the_qr_code(performers, fib_sandbox):
    _provider, customer, booking_id, start = _confirmed_booking(performers, fib_sandbox)
    _run(performers, start - timedelta(days=DUE_DAYS, minutes=-1))
    path = _link_path(customer, performers)
    shown = api(performers).post_form(path, {"provider": "fib"})
    assert shown.status_code == 200
    assert b'src="data:image/png;base64,' in shown.content
    with tenant_context(performers):
        balance = Payment.objects.get(subject=f"booking:{booking_id}", purpose="balance_payment")
        code = balance.next_action["readable_code"]
    assert code.encode() in shown.content
    sandbox_pays(performers, fib_sandbox, _balance_reference(performers, booking_id))
    assert customer.api.get(f"/api/v1/bookings/{booking_id}/").json()["state"] == "paid"


def _balance_reference(marketplace, booking_id) -> str:
    with tenant_context(marketplace):
        return Payment.objects.get(
            subject=f"booking:{booking_id}", purpose="balance_payment"
        ).reference


def test_an_unpaid_balance_is_reminded_then_the_booking_cancelled_with_the_deposit_refund(
    performers, fib_sandbox
):
    provider, customer, booking_id, start = _confirmed_booking(performers, fib_sandbox)
    due_at = start - timedelta(days=DUE_DAYS)
    _run(performers, due_at)
    mail.outbox.clear()
    assert _run(performers, due_at + timedelta(hours=11))["balance_reminded"] == 0
    assert _run(performers, due_at + timedelta(hours=12))["balance_reminded"] == 1
    assert _run(performers, due_at + timedelta(hours=13))["balance_reminded"] == 0
    reminder = last_mail_to(customer.user.email)
    assert "Reminder" in reminder.subject
    path = _link_path(customer, performers)
    with tenant_context(performers):
        assert Notification.objects.filter(user=customer.user, kind="balance_reminder").exists()
    assert _run(performers, due_at + timedelta(hours=23))["balance_cancelled"] == 0
    assert _run(performers, due_at + timedelta(hours=24))["balance_cancelled"] == 1
    assert _run(performers, due_at + timedelta(hours=25))["balance_cancelled"] == 0

    with tenant_context(performers):
        booking = Booking.objects.get(pk=booking_id)
        assert (booking.state, booking.cancelled_by) == ("cancelled", "system")
        # Cancelled six days ahead: the customer's rules give half of what was paid back.
        assert booking.cancellation_refund_minor == iqd(50_000).amount_minor
        event = BookingEvent.objects.get(booking_id=booking_id, transition="cancel")
        assert event.data["reason"] == "balance_unpaid"
        # Half of the deposit went back out through FIB's clearing; the rest stays held.
        fib = ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fib")
        assert fib == iqd(50_000)
        deposit = Payment.objects.get(subject=f"booking:{booking_id}", purpose="deposit")
        assert (deposit.state, deposit.refunded_minor) == (
            "partially_refunded",
            iqd(50_000).amount_minor,
        )
        # FIB refunds only in full: staff refund the half by hand.
        assert deposit.failure_code == "manual_refund_required"
        assert ledger_problems() == []
    # The link now has nothing to pay.
    assert b"Nothing is due" in api(performers).get(path).content
