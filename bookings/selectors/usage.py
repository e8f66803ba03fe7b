"""Bookings' part of a marketplace's usage (tenants.selectors.usage): its bookings."""

from __future__ import annotations

from typing import Any

from bookings.models import Booking
from tenants.selectors.usage import UsageWindow, counts_by_month


def bookings_usage(window: UsageWindow) -> dict[str, Any]:
    return {
        "total": Booking.objects.count(),
        "created_by_month": counts_by_month(
            Booking.objects.all(), field="created_at", window=window
        ),  # fmt: skip
    }
