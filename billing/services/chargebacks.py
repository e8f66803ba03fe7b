"""Chargebacks: a payer's bank took money back through the provider (a Stripe dispute).

The disputed amount leaves the provider's clearing account at once (the provider has taken
it from the platform's balance). It is taken, in this order, from what is still held for the
payment's subject: the providers' pending earnings first, then the platform's fee and the
buyer fee; whatever is left (the provider's share was already released or paid out) goes to
suspense, a loss staff recover from the provider or write off. A hold stops the subject's
release while the dispute is open. Won: a new transaction reverses the chargeback exactly and
the hold is lifted. Lost: the chargeback stays, and so does the hold (staff settle what is
still held). Each posts once per dispute.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billing.models import LedgerAccount, LedgerTransaction, Payment, SubjectHold
from billing.money import Money
from billing.services.ledger import Line, credit, debit, ledger_account, ledger_post
from billing.services.refunds import held_for

Kind = LedgerAccount.Kind
# What a chargeback takes first.
TAKEN_IN_ORDER = (Kind.PROVIDER_PENDING, Kind.PLATFORM_FEES, Kind.BUYER_FEES)


def chargeback_post(*, payment: Payment, dispute_ref: str, amount: Money) -> LedgerTransaction:
    """Post the chargeback of ``amount`` on ``payment`` and hold its subject's release."""
    reference = f"chargeback:{dispute_ref}"
    with transaction.atomic():
        Payment.objects.select_for_update().filter(pk=payment.pk).first()
        if (done := LedgerTransaction.objects.filter(reference=reference).first()) is not None:
            return done
        held = held_for(payment.subject, kinds=TAKEN_IN_ORDER, currency=amount.currency)
        by_pk = LedgerAccount.objects.in_bulk(list(held))
        order = {str(kind): index for index, kind in enumerate(TAKEN_IN_ORDER)}
        left = amount.amount_minor
        lines: list[Line] = [
            credit(
                ledger_account(
                    kind=Kind.GATEWAY_CLEARING, currency=amount.currency, provider=payment.provider
                ),
                amount,
            )
        ]
        for pk in sorted(held, key=lambda pk: (order[by_pk[pk].kind], pk)):
            take = min(left, held[pk])
            if take:
                lines.append(debit(by_pk[pk], Money(take, amount.currency)))
                left -= take
        if left:
            suspense = ledger_account(kind=Kind.SUSPENSE, currency=amount.currency)
            lines.append(debit(suspense, Money(left, amount.currency)))
        posted = ledger_post(
            kind=LedgerTransaction.Kind.CHARGEBACK, reference=reference, lines=lines,
            subject=payment.subject, memo=f"dispute {dispute_ref} on {payment.reference}",
        )  # fmt: skip
        SubjectHold.objects.get_or_create(
            reference=f"dispute:{dispute_ref}",
            defaults={"subject": payment.subject, "reason": "chargeback"},
        )
    return posted


def chargeback_reverse(*, dispute_ref: str) -> LedgerTransaction | None:
    """The dispute was won: the money comes back exactly as it went, and the hold is lifted.
    None when no chargeback was posted for it."""
    original = LedgerTransaction.objects.filter(reference=f"chargeback:{dispute_ref}").first()
    if original is None:
        return None
    lines = [
        Line(entry.account, Money(-entry.amount_minor, original.currency))
        for entry in original.entries.select_related("account")
    ]
    with transaction.atomic():
        reversal = ledger_post(
            kind=LedgerTransaction.Kind.CHARGEBACK, reference=f"chargeback-won:{dispute_ref}",
            lines=lines, subject=original.subject, corrects=original,
            memo=f"dispute {dispute_ref} won",
        )  # fmt: skip
        SubjectHold.objects.filter(reference=f"dispute:{dispute_ref}", lifted_at=None).update(
            lifted_at=timezone.now()
        )
    return reversal
