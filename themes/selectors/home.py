"""What the home page shows, read through catalog's selectors: the categories, the
best-rated providers and listings, and the next events where the marketplace sells tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from catalog.models import Listing, ListingType, MediaItem
from catalog.search.params import SearchParams
from catalog.selectors.search import listing_search, provider_search
from catalog.selectors.taxonomy import category_tree

FEATURED = 6


@dataclass
class HomeSections:
    categories: list[dict[str, Any]]
    providers: list = field(default_factory=list)
    listings: list = field(default_factory=list)
    events: list = field(default_factory=list)


def upcoming_events(*, limit: int = FEATURED) -> list[Listing]:
    """Published ticketed listings that have not started, soonest first."""
    primary = MediaItem.objects.filter(is_primary=True, status=MediaItem.Status.READY)
    return list(
        Listing.objects.filter(
            status=Listing.Status.PUBLISHED,
            listing_type__pricing="tickets",
            starts_at__gt=timezone.now(),
            provider__user__is_active=True,
        )
        .select_related("provider", "category")
        .prefetch_related(Prefetch("media", queryset=primary, to_attr="primary_media"))
        .order_by("starts_at", "id")[:limit]
    )


def home_sections(*, viewer) -> HomeSections:
    featured = SearchParams(sort="rating", page_size=FEATURED, facets=False)
    sections = HomeSections(
        categories=category_tree(),
        providers=provider_search(params=featured, viewer=viewer).items,
        listings=listing_search(params=featured, viewer=viewer).items,
    )
    if ListingType.objects.filter(pricing="tickets").exists():
        sections.events = upcoming_events()
    return sections
