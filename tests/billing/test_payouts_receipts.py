"""Receipts: one e-mail per paid payment and per decided refund, in the payer's language (else
the marketplace's), amounts formatted by Babel for that language, sent once."""

from django.core import mail
from django_tenants.utils import tenant_context

from accounts.models import User
from billing.models import Receipt
from billing.money import Money
from billing.services.receipts import money_format, receipt_send
from tests.support.factories.bookings import staff_party
from tests.support.quotes import paid_quote

ARABIC_50000_IQD = "\u200f50,000\xa0د.ع.\u200f"


RECEIPT_SUBJECTS = ("إيصال دفع", "استرداد مبلغ", "Your receipt", "Your refund")


def _to(address):
    """Receipts sent to ``address`` (the booking's own notifications aside)."""
    return [
        m for m in mail.outbox
        if m.to == [address] and any(words in m.subject for words in RECEIPT_SUBJECTS)
    ]  # fmt: skip


def test_amounts_are_written_as_each_language_writes_them():
    assert money_format(Money(12_000, "GBP"), "en") == "£120.00"
    assert money_format(Money(12_000, "GBP"), "ar") == "\u200f120.00\xa0UK£"
    assert money_format(Money(50_000_000, "IQD"), "en") == "IQD50,000"
    assert money_format(Money(50_000_000, "IQD"), "ar") == ARABIC_50000_IQD


def test_a_payment_and_its_refund_each_send_one_receipt_in_the_marketplaces_arabic(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _provider, customer, booking_id, reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    (paid,) = _to(customer.user.email)
    assert "إيصال دفع" in paid.subject and ARABIC_50000_IQD in paid.subject
    assert reference in paid.body and "شكراً لك" in paid.body
    html, mime = paid.alternatives[0]
    assert mime == "text/html" and 'dir="rtl"' in html and ARABIC_50000_IQD in html
    with tenant_context(talent):
        assert receipt_send(kind=Receipt.Kind.PAYMENT, reference=reference) is False  # once
    assert len(_to(customer.user.email)) == 1

    staff = staff_party(talent)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/").status_code == (
            200
        )
    refund = _to(customer.user.email)[-1]
    assert "استرداد" in refund.subject and ARABIC_50000_IQD in refund.body
    with tenant_context(talent):
        assert Receipt.objects.filter(reference__startswith="refund:").count() == 1


def test_a_customer_who_chose_english_gets_english(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _provider, customer, _booking_id, reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    with tenant_context(talent):
        User.objects.filter(pk=customer.user.pk).update(language="en")
        Receipt.objects.filter(reference=reference).delete()
        assert receipt_send(kind=Receipt.Kind.PAYMENT, reference=reference) is True
        assert Receipt.objects.get(reference=reference).language == "en"
    english = _to(customer.user.email)[-1]
    assert english.subject == "[Talent Test] Your receipt for IQD50,000"
    assert "we received your payment of IQD50,000" in english.body
