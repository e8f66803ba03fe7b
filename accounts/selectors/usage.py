"""Accounts' part of a marketplace's usage (tenants.selectors.usage): its users."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from tenants.selectors.usage import UsageWindow, counts_by_month


def users_usage(window: UsageWindow) -> dict[str, Any]:
    users = User.objects.all()
    return {
        "total": users.count(),
        "active": users.filter(is_active=True).count(),
        "providers": users.filter(role=User.Role.PROVIDER).count(),
        "joined_by_month": counts_by_month(users, field="date_joined", window=window),
    }
