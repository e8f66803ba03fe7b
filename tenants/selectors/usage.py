"""A marketplace's usage, for the operator: what its apps count (users, listings, bookings,
money by month), how much its schema weighs in PostgreSQL and its files in each storage.

tenants imports none of the apps that count (docs/architecture-notes.md, layers): each
registers a measure in its ``AppConfig.ready`` (``register_usage_measure``), and
``marketplace_usage`` runs every one in the marketplace's schema over the same window. The
sizes are tenants' own: the schema's tables with their indexes and TOAST, and the files under
the schema's name in each storage (tenants.services.files).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, storages
from django.db import connection as db_connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Marketplace
from tenants.services.files import STORAGE_ALIASES, storage_of_schema_checked

MONTHS_DEFAULT = 12
MONTHS_MAX = 60


@dataclass(frozen=True)
class UsageWindow:
    """The months a measure counts by month: from the first day of ``start``'s month to
    ``end`` (today), both included, in the marketplace's time zone."""

    start: date
    end: date
    time_zone: str


Measure = Callable[[UsageWindow], Any]
_measures: dict[str, Measure] = {}


def register_usage_measure(*, name: str, measure: Measure) -> None:
    """``measure(window)`` returns this part of the usage (JSON-able), run in the schema."""
    if _measures.get(name, measure) is not measure:
        raise ImproperlyConfigured(f"Two usage measures are named {name!r}.")
    _measures[name] = measure


def usage_window(*, marketplace: Marketplace, months: int) -> UsageWindow:
    if not 1 <= months <= MONTHS_MAX:
        raise ValueError(f"months must be 1 to {MONTHS_MAX}")
    time_zone = marketplace.time_zone or "UTC"
    today = timezone.localdate(timezone=ZoneInfo(time_zone))
    index = today.year * 12 + today.month - 1 - (months - 1)
    return UsageWindow(date(index // 12, index % 12 + 1, 1), today, time_zone)


def marketplace_usage(*, marketplace: Marketplace, months: int = MONTHS_DEFAULT) -> dict[str, Any]:
    """Everything the operator is shown of one marketplace's use of the platform."""
    window = usage_window(marketplace=marketplace, months=months)
    with tenant_context(marketplace):
        measured = {name: _measures[name](window) for name in sorted(_measures)}
        files = {alias: storage_bytes(storages[alias]) for alias in STORAGE_ALIASES}
    return {
        "marketplace": marketplace.slug,
        "schema": marketplace.schema_name,
        "from": window.start,
        "to": window.end,
        "time_zone": window.time_zone,
        **measured,
        "database_bytes": schema_bytes(schema_name=marketplace.schema_name),
        "storage_bytes": {"media": files["default"], "private": files["private"]},
    }


def schema_bytes(*, schema_name: str) -> int:
    """The schema's tables, materialized views and their indexes and TOAST, in bytes."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'm', 'p')
            """,
            [schema_name],
        )
        return int(cursor.fetchone()[0])


def storage_bytes(storage: Storage) -> int:
    """The bytes of the files ``storage`` keeps for the connection's schema: one listing of
    the prefix on an object store, a walk of the folder on disk."""
    location = storage_of_schema_checked(storage)
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # S3: one paged listing of the schema's prefix
        return sum(item.size for item in bucket.objects.filter(Prefix=f"{location}/"))
    total = 0
    for folder, _folders, names in os.walk(storage.path("")):
        total += sum(os.path.getsize(os.path.join(folder, name)) for name in names)
    return total


def counts_by_month(queryset, *, field: str, window: UsageWindow) -> list[dict[str, Any]]:
    """How many rows of ``queryset`` have ``field`` in each month of the window that has any,
    as ``{"month": "YYYY-MM", "count": n}``, oldest first."""
    zone = ZoneInfo(window.time_zone)
    rows = (
        queryset.filter(**{f"{field}__date__gte": window.start, f"{field}__date__lte": window.end})
        .annotate(month=TruncMonth(field, tzinfo=zone))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return [{"month": row["month"].strftime("%Y-%m"), "count": row["count"]} for row in rows]
