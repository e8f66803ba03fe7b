"""A customer's favorite listings and providers."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import Favorite


def favorite_list(*, user) -> QuerySet[Favorite]:
    return (
        Favorite.objects.filter(user=user)
        .select_related(
            "provider", "listing", "listing__provider", "listing__category", "listing__listing_type"
        )
        .order_by("-created_at", "-pk")
    )
