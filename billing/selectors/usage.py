"""Billing's part of a marketplace's usage (tenants.selectors.usage): the money it moved, by
month and currency, as its ledger has it (the revenue report's figures: GMV, platform and
buyer fees, refunds, payouts)."""

from __future__ import annotations

from typing import Any

from billing.selectors.reports import revenue_report
from tenants.selectors.usage import UsageWindow


def money_usage(window: UsageWindow) -> list[dict[str, Any]]:
    report = revenue_report(
        start=window.start, end=window.end, time_zone=window.time_zone, group="month"
    )
    return [
        {"month": period.pop("period").strftime("%Y-%m"), **period} for period in report["periods"]
    ]
