"""The category tree and the listing types."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from catalog.models import Category, ListingType


def category_tree() -> list[dict[str, Any]]:
    """Every category as nested dicts (one query), siblings by position then name."""
    nodes: dict[int, dict[str, Any]] = {}
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for category in Category.objects.order_by("position", "name"):
        node = {
            "id": category.pk,
            "slug": category.slug,
            "name": category.name,
            "names": category.names,
            "icon": category.icon,
            "position": category.position,
            "parent": category.parent_id,
            "children": [],
        }
        nodes[category.pk] = node
        children[category.parent_id].append(node)
    for pk, node in nodes.items():
        node["children"] = children.get(pk, [])
    return children.get(None, [])


def listing_type_list() -> QuerySet[ListingType]:
    return ListingType.objects.order_by("position", "name")


def marketplace_sells_minutes() -> bool:
    """Whether this marketplace has a per-minute listing type: its customers then pay from a
    prepaid balance, and the site offers the balance page."""
    return ListingType.objects.filter(pricing=ListingType.Pricing.PER_MINUTE).exists()
