"""Catalog's part of a marketplace's usage (tenants.selectors.usage): its listings."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from catalog.models import Listing
from tenants.selectors.usage import UsageWindow, counts_by_month


def listings_usage(window: UsageWindow) -> dict[str, Any]:
    listings = Listing.objects.all()
    counts = listings.aggregate(
        total=Count("pk"), published=Count("pk", filter=Q(status=Listing.Status.PUBLISHED))
    )
    return {
        **counts,
        "created_by_month": counts_by_month(listings, field="created_at", window=window),
    }
