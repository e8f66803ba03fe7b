"""Reading the ledger: balances derived from entries, a viewer's history, and the proof that
the books balance."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from billing.models import LedgerAccount, LedgerEntry
from billing.money import Money


def ledger_balance(*, kind: str, currency: str, owner=None, provider: str = "") -> Money:
    """What the account of this key holds, as its owner sees it (zero if it has never moved)."""
    account = LedgerAccount.objects.filter(
        kind=kind, currency=currency, owner=owner, provider=provider
    ).first()
    return Money(account.balance_minor if account else 0, currency)


def ledger_balances_of(*, owner, kind: str) -> list[Money]:
    """Every currency ``owner`` holds an account of ``kind`` in, by currency code."""
    accounts = LedgerAccount.objects.filter(owner=owner, kind=kind).order_by("currency")
    return [Money(account.balance_minor, account.currency) for account in accounts]


def ledger_entries_of(*, viewer) -> QuerySet[LedgerEntry]:
    """The entries on the viewer's own accounts, newest first."""
    return (
        LedgerEntry.objects.filter(account__owner=viewer)
        .select_related("account", "transaction")
        .order_by("-transaction__created_at", "-pk")
    )


@dataclass(frozen=True)
class LedgerProblem:
    what: str  # "unbalanced_transaction", "mixed_currency", "cached_balance_differs"
    ref: str
    detail: str


LEDGER_CHECKS = {
    "unbalanced_transaction": """
        SELECT t.reference, SUM(e.amount_minor)::text
        FROM billing_ledgertransaction t
        LEFT JOIN billing_ledgerentry e ON e.transaction_id = t.id
        GROUP BY t.id, t.reference
        HAVING COALESCE(SUM(e.amount_minor), 0) <> 0 OR COUNT(e.id) < 2
    """,
    "mixed_currency": """
        SELECT t.reference, string_agg(DISTINCT a.currency, ',')
        FROM billing_ledgertransaction t
        JOIN billing_ledgerentry e ON e.transaction_id = t.id
        JOIN billing_ledgeraccount a ON a.id = e.account_id
        WHERE a.currency <> t.currency
        GROUP BY t.id, t.reference
    """,
    "cached_balance_differs": """
        SELECT a.kind || ':' || COALESCE(a.owner_id::text, a.provider) || ':' || a.currency,
               a.entries_sum_minor::text || ' cached, '
               || COALESCE(SUM(e.amount_minor), 0)::text || ' in entries'
        FROM billing_ledgeraccount a
        LEFT JOIN billing_ledgerentry e ON e.account_id = a.id
        GROUP BY a.id
        HAVING a.entries_sum_minor <> COALESCE(SUM(e.amount_minor), 0)
    """,
}


def ledger_problems() -> list[LedgerProblem]:
    """Everything wrong with this marketplace's books (an empty list when they balance):
    a transaction whose entries do not sum to zero, an entry in another currency than its
    transaction, a cached balance that differs from its entries."""
    problems = []
    with connection.cursor() as cursor:
        for what, sql in LEDGER_CHECKS.items():
            cursor.execute(sql)
            problems += [LedgerProblem(what, ref, detail) for ref, detail in cursor.fetchall()]
    return problems
