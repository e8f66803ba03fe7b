"""Receipts: one e-mail per paid payment and per decided refund, to the payer, in their language
(``User.language``, else the marketplace's default language; English where Souk has no text in
it), with amounts formatted for that language by Babel (CLDR's symbol, separators, digits and
the currency's usual decimals).

Queued after the commit that paid or refunded (``receipt_queue``); the task records the receipt
(one row per payment or refund, unique) in the same transaction as it sends the mail, so a
retried or repeated task sends it once.
"""

from __future__ import annotations

import logging

from babel.numbers import format_currency
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from billing.models import LedgerAccount, LedgerTransaction, Payment, Receipt
from billing.money import Money
from tenants.db import connection

logger = logging.getLogger(__name__)
# Languages with receipt templates (templates/billing/receipt_<language>.{txt,html}).
RECEIPT_LANGUAGES = ("en", "ar")


def money_format(amount: Money, language: str) -> str:
    """``amount`` as a reader of ``language`` writes it: "£120.00", "‏120.00 UK£"."""
    return format_currency(
        amount.to_major(), amount.currency, locale=language, numbering_system="default"
    )


def receipt_language(user) -> str:
    for language in (getattr(user, "language", ""), connection.tenant.default_language):
        base = (language or "").split("-")[0].lower()
        if base in RECEIPT_LANGUAGES:
            return base
    return "en"


def receipt_queue(*, kind: str, reference: str) -> None:
    """Send the receipt of a payment (its reference) or a refund (its ledger transaction's
    reference) after the current transaction commits."""
    from billing.tasks import receipt_send_run

    transaction.on_commit(lambda: receipt_send_run.delay(kind, reference))


def _refund_facts(reference: str) -> tuple[Payment | None, Money | None]:
    refund = LedgerTransaction.objects.filter(
        reference=reference, kind=LedgerTransaction.Kind.REFUND
    ).first()
    if refund is None:
        return None, None
    back = -sum(
        refund.entries.filter(account__kind=LedgerAccount.Kind.GATEWAY_CLEARING).values_list(
            "amount_minor", flat=True
        )
    )
    payment = (
        Payment.objects.select_related("payer")
        .filter(subject=refund.subject)
        .order_by("pk")
        .first()
    )
    return payment, Money(back, refund.currency)


def receipt_facts(*, kind: str, reference: str, language: str | None = None) -> dict | None:
    """What the receipt of ``reference`` says (the e-mail's and the site's alike), in the
    payer's language unless ``language`` is given; None when it names no paid payment or
    refund. ``payer`` and ``money`` (a Money) come with the texts."""
    if kind == Receipt.Kind.PAYMENT:
        payment = Payment.objects.select_related("payer").filter(reference=reference).first()
        amount = Money(payment.amount_minor, payment.currency) if payment else None
        if payment is None or payment.paid_at is None:
            return None
    else:
        payment, amount = _refund_facts(reference)
    if payment is None or amount is None or amount.amount_minor <= 0:
        return None
    payer = payment.payer
    language = language or receipt_language(payer)
    return {
        "kind": kind,
        "marketplace": connection.tenant.name,
        "name": payer.display_name or payer.email,
        "amount": money_format(amount, language),
        "reference": payment.reference,
        "provider": payment.provider,
        "when": payment.paid_at if kind == Receipt.Kind.PAYMENT else None,
        "payer": payer,
        "money": amount,
        "language": language,
    }


def receipt_send(*, kind: str, reference: str) -> bool:
    """E-mail the receipt of ``reference`` once; False when it was sent before or names no
    paid payment or refund."""
    context = receipt_facts(kind=kind, reference=reference)
    if context is None:
        return False
    payer, language = context["payer"], context["language"]
    subject = render_to_string(f"billing/receipt_subject_{language}.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"billing/receipt_{language}.txt", context),
        to=[payer.email],
    )
    message.attach_alternative(render_to_string(f"billing/receipt_{language}.html", context),
                               "text/html")  # fmt: skip
    try:
        with transaction.atomic():
            Receipt.objects.create(
                kind=kind, reference=reference, recipient=payer.email, language=language
            )
            message.send()
    except IntegrityError:
        return False  # sent already
    logger.info("receipt %s %s sent to user %s", kind, reference, payer.pk)
    return True
