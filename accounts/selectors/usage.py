"""Accounts' part of a marketplace's usage (tenants.selectors.usage): its users."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from accounts.models import User
from tenants.selectors.usage import UsageWindow, counts_by_month


def users_usage(window: UsageWindow) -> dict[str, Any]:
    users = User.objects.all()
    counts = users.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        providers=Count("pk", filter=Q(role=User.Role.PROVIDER)),
    )
    return {**counts, "joined_by_month": counts_by_month(users, field="date_joined", window=window)}
