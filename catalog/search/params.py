"""What a search asks for, as the selectors take it: frozen dataclasses, never a raw query
string. The query strings are validated, and these built, by ``catalog.api.search_params``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 20
MAX_RADIUS_KM = 1000
MAX_QUERY_LENGTH = 200

LISTING_SORTS = ("relevance", "price_asc", "price_desc", "rating", "distance", "newest")
PROVIDER_SORTS = ("relevance", "price_asc", "price_desc", "rating", "distance", "newest")


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float
    radius_km: float | None


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    tags_mode: str = "all"
    min_price: int | None = None
    max_price: int | None = None
    currency: str | None = None
    rating: float | None = None
    badges: tuple[str, ...] = ()
    point: GeoPoint | None = None
    within_travel_radius: bool = False
    available_on: dt.date | None = None
    online: bool | None = None
    listing_type: str | None = None
    pricing: str | None = None
    sort: str = "newest"
    cursor: str | None = None
    page_size: int = DEFAULT_PAGE_SIZE
    facets: bool = True
