"""Money paid for a subject ("booking:12") going back to its payer, or on to its provider.

``subject_refund`` gives part or all of it back: each share (the provider's pending earnings,
the platform's fee, the buyer's fee) gives in proportion, through the provider that took the
payment. ``subject_release`` moves what is still pending for the subject to its providers'
available earnings. Both post once per reference; a second call is a no-op.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from billing.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Receipt,
    StripeTransfer,
    SubjectHold,
)
from billing.money import Money
from billing.providers.base import PaymentState
from billing.services.ledger import Line, credit, debit, ledger_account, ledger_post
from billing.services.receipts import receipt_queue
from config.errors import BusinessRuleViolation

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind
SHARES = (Kind.PROVIDER_PENDING, Kind.PLATFORM_FEES, Kind.BUYER_FEES)
REFUNDABLE = (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED)


def held_for(subject: str, kinds=SHARES, currency: str | None = None) -> dict[int, int]:
    """What each account of ``kinds`` still holds for ``subject`` (positive minor units)."""
    entries = LedgerEntry.objects.filter(transaction__subject=subject, account__kind__in=kinds)
    if currency:
        entries = entries.filter(account__currency=currency)
    rows = entries.values("account_id").annotate(total=Sum("amount_minor"))
    return {row["account_id"]: -row["total"] for row in rows if row["total"] < 0}


def subject_refund(
    *, subject: str, amount: Money, reference: str, at_most_held: bool = False
) -> LedgerTransaction | None:
    """Give ``amount`` of what was paid for ``subject`` back; the providers' refunds are queued
    after commit. More than was paid through billing and is still held is a 422
    ``refund_exceeds_paid``, or with ``at_most_held`` is cut to what is held (and logged)."""
    posted_reference = f"refund:{reference}"
    if amount.amount_minor <= 0:
        return None
    if StripeTransfer.objects.filter(subject=subject).exists() and not (
        LedgerTransaction.objects.filter(reference=posted_reference).exists()
    ):
        # Released already: the providers' transfers give their share back first (a call to
        # Stripe, so outside the lock below).
        from billing.services.connect import subject_transfers_reverse

        subject_transfers_reverse(subject=subject, amount=amount, reference=reference)
    with transaction.atomic():
        payments = list(
            Payment.objects.select_for_update()
            .filter(subject=subject, currency=amount.currency, state__in=REFUNDABLE)
            .order_by("-paid_at", "-pk")
        )
        already = LedgerTransaction.objects.filter(reference=posted_reference).first()
        if already is not None:
            return already
        held = held_for(subject, currency=amount.currency)
        refundable = sum(p.amount_minor - p.refunded_minor for p in payments)
        most = Money(min(refundable, sum(held.values())), amount.currency)
        if amount > most:
            if not at_most_held:
                raise BusinessRuleViolation(
                    _("That is more than was paid and is still held."),
                    code="refund_exceeds_paid",
                    details={"refundable_minor": most.amount_minor},
                )
            logger.warning(
                "%s: refund of %s decided, billing holds %s; refunding what it holds",
                subject, amount, most,
            )  # fmt: skip
            amount = most
            if not amount.amount_minor:
                return None
        accounts = sorted(held)
        parts = amount.split([held[pk] for pk in accounts])
        by_pk = LedgerAccount.objects.in_bulk(accounts)
        lines: list[Line] = [
            debit(by_pk[pk], part)
            for pk, part in zip(accounts, parts, strict=True)
            if part.amount_minor
        ]
        # Back through the providers that took the money, the latest payments first.
        left, per_payment = amount.amount_minor, []
        for payment in payments:
            take = min(left, payment.amount_minor - payment.refunded_minor)
            if take:
                per_payment.append((payment, take))
                left -= take
        to_clearing: dict[str, int] = defaultdict(int)
        for payment, take in per_payment:
            to_clearing[payment.provider] += take
        for provider, take in sorted(to_clearing.items()):
            clearing = ledger_account(
                kind=Kind.GATEWAY_CLEARING, currency=amount.currency, provider=provider
            )
            lines.append(credit(clearing, Money(take, amount.currency)))
        posted = ledger_post(
            kind=LedgerTransaction.Kind.REFUND, reference=posted_reference, lines=lines,
            subject=subject, memo=f"refund for {subject}",
        )  # fmt: skip
        for payment, take in per_payment:
            payment.refunded_minor += take
            payment.state = (
                PaymentState.REFUNDED
                if payment.refunded_minor == payment.amount_minor
                else PaymentState.PARTIALLY_REFUNDED
            )
            payment.save(update_fields=["refunded_minor", "state", "updated_at"])
            _queue_provider_refund(payment.pk, take, f"{reference}:{payment.reference}")
        receipt_queue(kind=Receipt.Kind.REFUND, reference=posted_reference)
    return posted


def _queue_provider_refund(payment_id: int, amount_minor: int, key: str) -> None:
    from billing.tasks import payment_refund_run

    transaction.on_commit(lambda: payment_refund_run.delay(payment_id, amount_minor, key))


def subject_on_hold(subject: str) -> bool:
    """A chargeback (or another hold) stops the release of what is paid for ``subject``."""
    return SubjectHold.objects.filter(subject=subject, lifted_at__isnull=True).exists()


def subject_release(*, subject: str, reference: str) -> LedgerTransaction | None:
    """Move what is still pending for ``subject`` to its providers' available earnings;
    nothing while the subject is on hold. Money Stripe took is then transferred to the
    providers' connected accounts (after commit, by a task: the transfer is the release)."""
    posted_reference = f"release:{reference}"
    with transaction.atomic():
        if (
            done := LedgerTransaction.objects.filter(reference=posted_reference).first()
        ) is not None:
            return done
        if subject_on_hold(subject):
            logger.info("%s is on hold: nothing released", subject)
            return None
        held = held_for(subject, kinds=(Kind.PROVIDER_PENDING,))
        if not held:
            return None
        by_pk = LedgerAccount.objects.select_related("owner").in_bulk(list(held))
        lines: list[Line] = []
        for pk, amount in sorted(held.items()):
            account, held_money = by_pk[pk], Money(amount, by_pk[pk].currency)
            available = ledger_account(
                kind=Kind.PROVIDER_AVAILABLE, currency=account.currency, owner=account.owner
            )
            lines += [debit(account, held_money), credit(available, held_money)]
        released = ledger_post(
            kind=LedgerTransaction.Kind.RELEASE, reference=posted_reference, lines=lines,
            subject=subject, memo=f"release for {subject}",
        )  # fmt: skip
        if Payment.objects.filter(subject=subject, provider="stripe").exists():
            from billing.tasks import stripe_release_transfer_run

            transaction.on_commit(
                lambda: stripe_release_transfer_run.delay(subject, posted_reference)
            )
        return released


def subject_settle(*, subject: str, refund: Money, reference: str) -> None:
    """A decision about money paid for ``subject`` (a cancellation's refund, a dispute's
    outcome): ``refund`` back to the payer, the rest released to its providers. Money recorded
    on the subject without passing through billing (paid elsewhere) is not billing's to move:
    only what billing holds is refunded, and the difference is logged."""
    subject_refund(subject=subject, amount=refund, reference=reference, at_most_held=True)
    subject_release(subject=subject, reference=reference)


def dispute_decision_apply(
    *, booking_id: int, refund_minor: int, currency: str, reference: str
) -> None:
    """A staff decision on a disputed booking: ``refund_minor`` back to the customer (0 for a
    release to the provider, all that was paid for a full refund), the rest released to the
    provider. Once per ``reference`` ("dispute-<id>"); called after the decision commits."""
    subject_settle(
        subject=f"booking:{booking_id}", refund=Money(refund_minor, currency), reference=reference
    )
