"""Staff refunds of what was paid for a subject, and what the payer is told about them: how much
goes back, through which provider, and whether that provider sends it or staff must (FIB
refunds only in full, NassWallet not at all: then the payment is marked
``manual_refund_required`` by the refund task, and staff pay it back by hand)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from billing.models import LedgerAccount, LedgerTransaction, Payment
from billing.money import Money
from billing.providers.base import Capability, PaymentState
from billing.providers.registry import DRIVERS
from billing.services.refunds import REFUNDABLE, held_for, subject_refund
from config.errors import BusinessRuleViolation, StateConflict

Kind = LedgerAccount.Kind


@dataclass(frozen=True)
class RefundShare:
    provider: str
    amount: Money
    refunded_by: str  # "provider" or "manual"


@dataclass(frozen=True)
class RefundOutcome:
    reference: str
    subject: str
    amount: Money
    shares: list[RefundShare] = field(default_factory=list)

    @property
    def manual_refund_required(self) -> bool:
        return any(share.refunded_by == "manual" for share in self.shares)


def subject_refundable(*, subject: str) -> Money | None:
    """All that can still be refunded for ``subject`` (paid through billing and still held), in
    its payments' currency; None when nothing was paid through billing."""
    payments = Payment.objects.filter(subject=subject, state__in=REFUNDABLE)
    currency = payments.values_list("currency", flat=True).first()
    if currency is None:
        return None
    paid = payments.filter(currency=currency).aggregate(
        left=Sum("amount_minor") - Sum("refunded_minor")
    )["left"]
    return Money(min(paid or 0, sum(held_for(subject, currency=currency).values())), currency)


def _refunded_by(subject: str, provider: str) -> str:
    driver = DRIVERS.get(provider)
    capabilities: frozenset[Capability] = getattr(driver, "capabilities", frozenset())
    partial = Payment.objects.filter(
        subject=subject, provider=provider, state=PaymentState.PARTIALLY_REFUNDED
    ).exists()
    if Capability.REFUND in capabilities and (
        not partial or Capability.PARTIAL_REFUND in capabilities
    ):
        return "provider"
    return "manual"


def refund_outcome(*, reference: str) -> RefundOutcome | None:
    """The refund posted under ``reference`` (as given to ``subject_refund``), or None."""
    posted = LedgerTransaction.objects.filter(
        reference=f"refund:{reference}", kind=LedgerTransaction.Kind.REFUND
    ).first()
    if posted is None:
        return None
    back = (
        posted.entries.filter(account__kind=Kind.GATEWAY_CLEARING)
        .values_list("account__provider")
        .annotate(total=Sum("amount_minor"))
        .order_by("account__provider")
    )
    shares = [
        RefundShare(
            provider, Money(-total, posted.currency), _refunded_by(posted.subject, provider)
        )
        for provider, total in back
    ]
    amount = sum((share.amount for share in shares), Money.zero(posted.currency))
    return RefundOutcome(reference, posted.subject, amount, shares)


def subject_refund_by_staff(
    *, actor, subject: str, amount: Money | None, reference: str
) -> RefundOutcome:
    """Staff give ``amount`` (None: all that is refundable) of what was paid for ``subject``
    back through the providers that took it. Once per ``reference``: a retry answers the first
    refund; the reference used for another subject is a 409."""
    require_staff(actor)
    done = refund_outcome(reference=reference)
    if done is not None:
        if done.subject != subject:
            raise StateConflict(
                _("This idempotency key was used for another refund."),
                code="idempotency_key_reused",
            )
        return done
    most = subject_refundable(subject=subject)
    amount = amount if amount is not None else most
    if most is None or amount is None or not most.amount_minor:
        raise BusinessRuleViolation(
            _("Nothing paid for this is left to refund."), code="nothing_to_refund"
        )
    if amount.currency != most.currency or amount > most:
        raise BusinessRuleViolation(
            _("That is more than was paid and is still held."),
            code="refund_exceeds_paid",
            details={"refundable_minor": most.amount_minor, "currency": most.currency},
        )
    subject_refund(subject=subject, amount=amount, reference=reference)
    outcome = refund_outcome(reference=reference)
    assert outcome is not None  # posted just now, in this transaction
    return outcome
