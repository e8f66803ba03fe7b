"""What a listing search hit shows, read in the search statement itself.

The page's rows are joined to their provider, category and listing type and shaped as JSON
by PostgreSQL, with the primary photo and, only for the kinds that have them, the packages
and ticket tiers as correlated sub-selects over twenty rows. One round trip instead of four
(the listings, then the media, packages and tiers prefetched), and no model instances built
for rows that are only serialised: on a slow core the ORM's compile-and-build of a page cost
more than finding it.

``catalog.api.search.ListingHitSerializer`` reads the objects built here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from catalog.models import (
    Category,
    Listing,
    ListingPackage,
    ListingType,
    MediaItem,
    ProviderProfile,
    TicketTier,
)


@dataclass(frozen=True, slots=True)
class TypeBrief:
    slug: str
    pricing: str


@dataclass(frozen=True, slots=True)
class CategoryBrief:
    id: int
    slug: str
    name: str
    names: dict


@dataclass(frozen=True, slots=True)
class ProviderBrief:
    id: int
    display_name: str
    rating_avg: Decimal
    rating_count: int
    badges: list[str]
    is_online: bool


@dataclass(frozen=True, slots=True)
class PackageBrief:
    id: int
    tier: str
    name: str
    price_minor: int
    delivery_days: int
    revisions: int


@dataclass(frozen=True, slots=True)
class TierBrief:
    id: int
    name: str
    price_minor: int
    remaining: int


@dataclass(slots=True)
class ListingHit:
    id: int
    slug: str
    title: str
    price_minor: int
    currency: str
    tags: list[str]
    location_name: str
    starts_at: dt.datetime | None
    published_at: dt.datetime | None
    listing_type: TypeBrief
    category: CategoryBrief
    provider: ProviderBrief
    primary_media: list[MediaItem] = field(default_factory=list)
    package_list: list[PackageBrief] = field(default_factory=list)
    ticket_tier_list: list[TierBrief] = field(default_factory=list)
    distance_km: float | None = None


def _t(model) -> str:
    return model._meta.db_table


# Aliases: h = hit listing, hp = provider, hc = category, ht = listing type. ``page`` (id, k,
# d) is the statement's page CTE. No parameters, so no % to escape.
HIT_JSON_SQL = f"""json_build_array(
    h.id, h.slug, h.title, h.price_minor, h.currency, h.tags, h.location_name,
    h.starts_at, h.published_at,
    ht.slug, ht.pricing,
    hc.id, hc.slug, hc.name, hc.names,
    hp.id, hp.display_name, hp.rating_avg::text, hp.rating_count, hp.badges, hp.is_online,
    (SELECT json_build_array(
            m.id, m.kind, m.file, m.content_type, m.size_bytes, m.width, m.height,
            m.thumbnails, m.caption, m.position, m.created_at)
        FROM {_t(MediaItem)} AS m WHERE m.listing_id = h.id AND m.is_primary LIMIT 1),
    CASE WHEN ht.pricing = '{ListingType.Pricing.PACKAGES.value}' THEN (
        SELECT json_agg(json_build_array(
                pk.id, pk.tier, pk.name, pk.price_minor, pk.delivery_days, pk.revisions)
            ORDER BY pk.price_minor, pk.id)
        FROM {_t(ListingPackage)} AS pk
        WHERE pk.listing_id = h.id AND pk.archived_at IS NULL) END,
    CASE WHEN ht.pricing = '{ListingType.Pricing.TICKETS.value}' THEN (
        SELECT json_agg(json_build_array(tt.id, tt.name, tt.price_minor, tt.capacity - tt.sold)
            ORDER BY tt.position, tt.price_minor, tt.id)
        FROM {_t(TicketTier)} AS tt WHERE tt.listing_id = h.id) END
)"""

HIT_JOINS_SQL = (
    f"JOIN {_t(Listing)} AS h ON h.id = page.id "
    f"JOIN {_t(ProviderProfile)} AS hp ON hp.id = h.provider_id "
    f"JOIN {_t(Category)} AS hc ON hc.id = h.category_id "
    f"JOIN {_t(ListingType)} AS ht ON ht.id = h.listing_type_id"
)


def _when(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _media(row: list[Any] | None) -> list[MediaItem]:
    if row is None:
        return []
    id_, kind, name, content_type, size, width, height, thumbs, caption, position, created = row
    return [
        MediaItem(
            id=id_,
            kind=kind,
            file=name,
            content_type=content_type,
            size_bytes=size,
            width=width,
            height=height,
            thumbnails=thumbs,
            caption=caption,
            position=position,
            is_primary=True,
            created_at=dt.datetime.fromisoformat(created),
        )
    ]


def listing_hit(row: list[Any], distance_km: float | None) -> ListingHit:
    """A hit from HIT_JSON_SQL's array (positional: a page of JSON objects would repeat every
    key twenty times)."""
    (id_, slug, title, price, currency, tags, location, starts_at, published_at) = row[:9]
    (type_slug, pricing, category_id, category_slug, category_name, category_names) = row[9:15]
    (provider_id, display_name, rating_avg, rating_count, badges, is_online) = row[15:21]
    media, packages, tiers = row[21:]
    return ListingHit(
        id=id_,
        slug=slug,
        title=title,
        price_minor=price,
        currency=currency,
        tags=tags,
        location_name=location,
        starts_at=_when(starts_at),
        published_at=_when(published_at),
        listing_type=TypeBrief(type_slug, pricing),
        category=CategoryBrief(category_id, category_slug, category_name, category_names),
        provider=ProviderBrief(
            provider_id, display_name, Decimal(rating_avg), rating_count, badges, is_online
        ),
        primary_media=_media(media),
        package_list=[PackageBrief(*package) for package in packages or ()],
        ticket_tier_list=[TierBrief(*tier) for tier in tiers or ()],
        distance_km=distance_km,
    )
