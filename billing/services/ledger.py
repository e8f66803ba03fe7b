"""Posting to the ledger: the one way money is recorded as moving.

``ledger_post`` writes one balanced transaction in one currency and moves the cached sums of
its accounts in the same database transaction, locking those account rows in primary-key order
(so concurrent postings never deadlock and a balance check under the lock is true at commit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _

from billing.models import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.money import Money
from config.errors import BusinessRuleViolation, InvalidInput, StateConflict

Kind = LedgerAccount.Kind


@dataclass(frozen=True, slots=True)
class Line:
    """One side of a movement: ``amount`` is debited to ``account`` when positive, credited
    when negative."""

    account: LedgerAccount
    amount: Money


def ledger_account(*, kind: str, currency: str, owner=None, provider: str = "") -> LedgerAccount:
    """The account for this key, created on first use."""
    if (kind in LedgerAccount.OWNED) != (owner is not None):
        raise InvalidInput(_("This kind of account must have an owner, or none."), code="invalid")
    Money.zero(currency)  # refuses an unknown currency
    account, _created = LedgerAccount.objects.get_or_create(
        kind=kind, currency=currency, owner=owner, provider=provider
    )
    return account


def debit(account: LedgerAccount, amount: Money) -> Line:
    return Line(account, amount)


def credit(account: LedgerAccount, amount: Money) -> Line:
    return Line(account, -amount)


def _checked(lines: Sequence[Line]) -> tuple[str, dict[int, int]]:
    if len(lines) < 2:
        raise InvalidInput(_("A movement has at least two sides."), code="unbalanced")
    currencies = {line.amount.currency for line in lines} | {
        line.account.currency for line in lines
    }
    if len(currencies) != 1:
        raise InvalidInput(_("A movement is in one currency."), code="mixed_currencies")
    per_account: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.amount.amount_minor == 0:
            raise InvalidInput(_("A side of a movement cannot be zero."), code="zero_amount")
        per_account[line.account.pk] += line.amount.amount_minor
    if sum(per_account.values()) != 0:
        raise InvalidInput(_("Debits and credits must be equal."), code="unbalanced")
    return currencies.pop(), {pk: total for pk, total in per_account.items() if total}


def _same_movement(existing: LedgerTransaction, kind: str, moves: dict[int, int]) -> bool:
    posted: dict[int, int] = defaultdict(int)
    for account_id, amount in existing.entries.values_list("account_id", "amount_minor"):
        posted[account_id] += amount
    return existing.kind == kind and dict(posted) == moves


def ledger_post(
    *,
    kind: str,
    reference: str,
    lines: Sequence[Line],
    memo: str = "",
    subject: str = "",
    corrects: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Post one balanced movement; a second post of the same ``reference`` returns the first
    (409 if it differs). Raises 422 ``insufficient_balance`` when a customer's prepaid balance
    would go below zero, and then nothing is written."""
    currency, moves = _checked(lines)
    if not moves:
        raise InvalidInput(_("This movement moves nothing."), code="zero_amount")
    with transaction.atomic():
        locked = list(
            LedgerAccount.objects.select_for_update().filter(pk__in=sorted(moves)).order_by("pk")
        )
        existing = LedgerTransaction.objects.filter(reference=reference).first()
        if existing is not None:
            if not _same_movement(existing, kind, moves):
                raise StateConflict(
                    _("This reference has already moved other money."),
                    code="reference_used",
                    details={"reference": reference},
                )
            return existing
        for account in locked:
            after = account.entries_sum_minor + moves[account.pk]
            if account.kind == Kind.CUSTOMER_BALANCE and after > 0:
                raise BusinessRuleViolation(
                    _("The prepaid balance does not cover this charge."),
                    code="insufficient_balance",
                )
        try:
            with transaction.atomic():
                posted = LedgerTransaction.objects.create(
                    kind=kind, currency=currency, reference=reference, memo=memo[:255],
                    subject=subject, corrects=corrects,
                )  # fmt: skip
        except IntegrityError as exc:  # the same reference, posted concurrently
            raise StateConflict(
                _("This reference is being posted already; try again."), code="reference_used"
            ) from exc
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=posted, account_id=pk, amount_minor=amount)
            for pk, amount in sorted(moves.items())
        )
        # Every account's cached sum moves in one statement (the rows are locked above).
        LedgerAccount.objects.filter(pk__in=moves).update(
            entries_sum_minor=F("entries_sum_minor")
            + Case(*(When(pk=pk, then=Value(amount)) for pk, amount in moves.items()))
        )
    return posted


def ledger_correct(*, original: LedgerTransaction, reference: str, memo: str) -> LedgerTransaction:
    """Reverse ``original`` with a new transaction (entries are never changed)."""
    lines = [
        Line(entry.account, Money(-entry.amount_minor, original.currency))
        for entry in original.entries.select_related("account")
    ]
    return ledger_post(
        kind=LedgerTransaction.Kind.CORRECTION,
        reference=reference,
        lines=lines,
        memo=memo,
        corrects=original,
    )
