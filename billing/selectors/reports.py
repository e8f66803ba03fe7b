"""The marketplace's revenue report, read from the ledger in two aggregate queries (one for the
periods, one for the providers), whatever the length of the range.

What each figure is, per currency (minor units):

- ``gmv``: what buyers paid for what they bought — the credits of sales (charges, deposits,
  balance payments, per-minute debits, gifts) to providers' pending earnings, the platform's
  fees and the buyer fees. Top-ups are not sales (the minutes they pay for are).
- ``platform_fees`` / ``buyer_fees``: the fee revenue accounts' net movement (fees earned less
  fees given back by refunds).
- ``refunds``: money given back to payers (refunds' credits to clearing).
- ``payouts``: money paid out to providers (payouts marked paid).
By provider: their ``earnings`` (sales to their pending earnings), the part of them refunded,
and their payouts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from billing.models import LedgerAccount, LedgerEntry, LedgerTransaction

Kind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind
SALES = (TxKind.CHARGE, TxKind.DEPOSIT, TxKind.BALANCE_PAYMENT, TxKind.MINUTE_DEBIT, TxKind.GIFT)
SALE_SHARES = (Kind.PROVIDER_PENDING, Kind.PLATFORM_FEES, Kind.BUYER_FEES)
GROUPS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
METRICS = ("gmv_minor", "platform_fees_minor", "buyer_fees_minor", "refunds_minor", "payouts_minor")
PROVIDER_METRICS = ("earnings_minor", "refunds_minor", "payouts_minor")


def _metric(tx_kind: str, account_kind: str) -> str | None:
    """Which figure an entry of ``account_kind`` in a ``tx_kind`` transaction counts in."""
    if tx_kind in SALES and account_kind in SALE_SHARES:
        return "gmv_minor"
    if tx_kind == TxKind.REFUND and account_kind == Kind.GATEWAY_CLEARING:
        return "refunds_minor"
    if tx_kind == TxKind.PAYOUT and account_kind == Kind.PAYOUTS_SENT:
        return "payouts_minor"
    return None


def _provider_metric(tx_kind: str, account_kind: str) -> str | None:
    if account_kind == Kind.PROVIDER_PENDING and tx_kind in SALES:
        return "earnings_minor"
    if account_kind == Kind.PROVIDER_PENDING and tx_kind == TxKind.REFUND:
        return "refunds_minor"
    if account_kind == Kind.PROVIDER_PAID_OUT and tx_kind == TxKind.PAYOUT:
        return "payouts_minor"
    return None


# Whose side of an entry a figure shows: credits (money in) are negative entries.
SIGN = {
    "gmv_minor": -1,
    "platform_fees_minor": -1,
    "buyer_fees_minor": -1,
    "refunds_minor": -1,
    "payouts_minor": 1,
}
PROVIDER_SIGN = {"earnings_minor": -1, "refunds_minor": 1, "payouts_minor": -1}


def revenue_report(*, start: date, end: date, time_zone: str, group: str = "day") -> dict[str, Any]:
    """Figures from ``start`` to ``end`` (whole days in ``time_zone``, both included), per
    period of ``group`` and currency, per provider and currency, and in total per currency."""
    zone = ZoneInfo(time_zone)
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    entries = LedgerEntry.objects.filter(
        transaction__created_at__gte=since, transaction__created_at__lt=until
    )
    wanted = (
        Q(transaction__kind__in=SALES, account__kind__in=SALE_SHARES)
        | Q(account__kind__in=(Kind.PLATFORM_FEES, Kind.BUYER_FEES))
        | Q(transaction__kind=TxKind.REFUND, account__kind=Kind.GATEWAY_CLEARING)
        | Q(transaction__kind=TxKind.PAYOUT, account__kind=Kind.PAYOUTS_SENT)
    )
    period_rows = (
        entries.filter(wanted)
        .annotate(period=GROUPS[group]("transaction__created_at", tzinfo=zone))
        .values("period", "account__currency", "account__kind", "transaction__kind")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    periods: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for row in period_rows:
        key = (row["period"].date(), row["account__currency"])
        account_kind, total = row["account__kind"], row["total"]
        if account_kind == Kind.PLATFORM_FEES:
            periods[key]["platform_fees_minor"] -= total
        elif account_kind == Kind.BUYER_FEES:
            periods[key]["buyer_fees_minor"] -= total
        if (metric := _metric(row["transaction__kind"], account_kind)) is not None:
            periods[key][metric] += SIGN[metric] * total
    provider_rows = (
        entries.filter(
            account__kind__in=(Kind.PROVIDER_PENDING, Kind.PROVIDER_PAID_OUT),
            transaction__kind__in=(*SALES, TxKind.REFUND, TxKind.PAYOUT),
        )
        .values(
            "account__owner_id",
            "account__owner__email",
            "account__owner__display_name",
            "account__currency",
            "account__kind",
            "transaction__kind",
        )  # fmt: skip
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    providers: dict[tuple[int, str], dict[str, Any]] = {}
    for owned in provider_rows:
        owner_row: dict[str, Any] = dict(owned)
        metric = _provider_metric(owner_row["transaction__kind"], owner_row["account__kind"])
        if metric is None:
            continue
        key = (owner_row["account__owner_id"], owner_row["account__currency"])
        figures = providers.setdefault(
            key,
            {
                "provider_id": key[0],
                "email": owner_row["account__owner__email"],
                "display_name": owner_row["account__owner__display_name"],
                "currency": key[1],
                **dict.fromkeys(PROVIDER_METRICS, 0),
            },
        )
        figures[metric] += PROVIDER_SIGN[metric] * owner_row["total"]
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for (_day, currency), figures in periods.items():
        for metric, value in figures.items():
            totals[currency][metric] += value
    return {
        "from": start,
        "to": end,
        "group": group,
        "periods": [
            {"period": day, "currency": currency, **figures}
            for (day, currency), figures in sorted(periods.items())
        ],
        "providers": [providers[key] for key in sorted(providers)],
        "totals": [{"currency": c, **figures} for c, figures in sorted(totals.items())],
    }
