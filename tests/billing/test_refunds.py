"""After the money arrives: a cancellation refunds through the provider that took it, a dispute
decision refunds and releases exactly as decided, and a completed booking's provider share is
released after the marketplace's delay — each once, each a balanced ledger."""

from datetime import timedelta

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, LedgerTransaction, Payment
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from bookings.services.payments import bookings_release_due
from tests.support.factories.bookings import staff_party
from tests.support.quotes import QUOTE, paid_quote

Kind = LedgerAccount.Kind
PROVIDER_SHARE, FEE = 45_000_000, 5_000_000


def _iqd(amount_minor: int) -> Money:
    return Money(amount_minor, "IQD")


def _balances(talent, provider):
    with tenant_context(talent):
        owner = provider.user
        return {
            "pending": ledger_balance(kind=Kind.PROVIDER_PENDING, currency="IQD", owner=owner),
            "available": ledger_balance(kind=Kind.PROVIDER_AVAILABLE, currency="IQD", owner=owner),
            "fees": ledger_balance(kind=Kind.PLATFORM_FEES, currency="IQD"),
            "clearing": ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fib"),
        }


def test_a_staff_cancellation_refunds_everything_through_fib(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    provider, _customer, booking_id, reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    staff = staff_party(talent)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = staff.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    assert _balances(talent, provider) == {
        "pending": _iqd(0), "available": _iqd(0), "fees": _iqd(0), "clearing": _iqd(0),
    }  # fmt: skip
    with tenant_context(talent):
        payment = Payment.objects.get(reference=reference)
        assert payment.state == PaymentState.REFUNDED and payment.refunded_minor == QUOTE
        assert payment.failure_code == ""  # FIB took the full refund
        assert ledger_problems() == []
    answer = fib_sandbox.peek(payment.provider_ref)
    assert answer["status"] in ("REFUND_REQUESTED", "REFUNDED")


def test_a_partial_dispute_refund_is_shared_and_the_rest_released(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    provider, customer, booking_id, reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    base = f"/api/v1/bookings/{booking_id}/dispute/"
    assert customer.api.post(base, {"reason": "Half the job was done."}).status_code == 201
    staff = staff_party(talent)
    with django_capture_on_commit_callbacks(execute=True):
        decided = staff.api.post(
            f"{base}resolve/", {"resolution": "partial_refund", "refund_minor": 10_000_000}
        )
    assert decided.status_code == 200, decided.content
    # 10,000 IQD back, taken 9,000 from the provider's share and 1,000 from the fee; the
    # provider's remaining 36,000 IQD is released.
    assert _balances(talent, provider) == {
        "pending": _iqd(0), "available": _iqd(36_000_000), "fees": _iqd(4_000_000),
        "clearing": _iqd(40_000_000),
    }  # fmt: skip
    with tenant_context(talent):
        payment = Payment.objects.get(reference=reference)
        assert payment.state == PaymentState.PARTIALLY_REFUNDED
        # FIB refunds only in full: staff refund the rest by hand, and the payment says so.
        assert payment.failure_code == "manual_refund_required"
        assert LedgerTransaction.objects.filter(subject=f"booking:{booking_id}").count() == 3
        assert ledger_problems() == []


def test_a_completed_bookings_share_is_released_after_the_delay_once(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    provider, customer, booking_id, _reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    talent.release_delay_hours = 48
    talent.save(update_fields=["release_delay_hours"])
    assert (
        provider.api.post(
            f"/api/v1/bookings/{booking_id}/deliveries/", {"message": "تم"}
        ).status_code
        == 201
    )
    assert (
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/").status_code == 200
    )
    with tenant_context(talent):
        assert bookings_release_due() == 0  # the dispute window is open
        with time_machine.travel(timezone.now() + timedelta(hours=49)):
            assert bookings_release_due() == 1
            assert bookings_release_due() == 0
    assert _balances(talent, provider)["pending"] == _iqd(0)
    assert _balances(talent, provider)["available"] == _iqd(PROVIDER_SHARE)
    assert _balances(talent, provider)["fees"] == _iqd(FEE)
