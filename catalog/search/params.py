"""Query-string parsing for the search endpoints: strict, so a typo in a filter name is a 400.

Every parser returns a frozen dataclass; selectors never look at raw query strings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.models import Badge, ListingType
from config.errors import InvalidInput

MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 20
MAX_RADIUS_KM = 1000
MAX_QUERY_LENGTH = 200

LISTING_SORTS = ("relevance", "price_asc", "price_desc", "rating", "distance", "newest")
PROVIDER_SORTS = ("relevance", "price_asc", "price_desc", "rating", "distance", "newest")

_COMMON = {
    "q",
    "category",
    "tags",
    "tags_mode",
    "min_price",
    "max_price",
    "rating",
    "badges",
    "lat",
    "lon",
    "radius_km",
    "available_on",
    "online",
    "sort",
    "cursor",
    "page_size",
    "facets",
    "format",
}
LISTING_PARAMS = frozenset(_COMMON | {"type", "pricing", "currency"})
PROVIDER_PARAMS = frozenset(_COMMON | {"within_travel_radius"})


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


def _first(data: Mapping[str, Any], name: str) -> str | None:
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        values = [str(v) for v in getlist(name) if v != ""]
        if len(values) > 1 and name not in {"tags", "badges"}:
            raise InvalidInput(
                f"Give “{name}” once.", code="invalid", details={name: ["Repeated parameter."]}
            )
        return ",".join(values) if values else None
    value = data.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _values(data: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(data, "getlist", None)
    return list(getlist(name)) if getlist is not None else [data.get(name)]


def _words(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    seen: dict[str, None] = {}
    for part in raw.split(","):
        word = part.strip().lower()
        if word:
            seen[word] = None
    return tuple(seen)


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)


def _int(raw: str | None, name: str, errors: _Errors, *, minimum: int = 0) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors.add(name, "Must be a whole number.")
        return None
    if value < minimum:
        errors.add(name, f"Must be at least {minimum}.")
        return None
    return value


def _float(raw: str | None, name: str, errors: _Errors) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.add(name, "Must be a number.")
        return None
    if not math.isfinite(value):
        errors.add(name, "Must be a finite number.")
        return None
    return value


def _bool(raw: str | None, name: str, errors: _Errors) -> bool | None:
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes"}:
        return True
    if lowered in {"0", "false", "no"}:
        return False
    errors.add(name, "Must be true or false.")
    return None


def _point(data: Mapping[str, Any], errors: _Errors) -> GeoPoint | None:
    raw_lat, raw_lon, raw_radius = (_first(data, n) for n in ("lat", "lon", "radius_km"))
    if raw_lat is None and raw_lon is None:
        if raw_radius is not None:
            errors.add("radius_km", "Give lat and lon with radius_km.")
        return None
    if raw_lat is None or raw_lon is None:
        errors.add("lat" if raw_lat is None else "lon", "Give both lat and lon.")
        return None
    lat, lon = _float(raw_lat, "lat", errors), _float(raw_lon, "lon", errors)
    radius = _float(raw_radius, "radius_km", errors)
    if lat is not None and not -90 <= lat <= 90:
        errors.add("lat", "Must be between -90 and 90.")
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        errors.add("lon", "Must be between -180 and 180.")
        lon = None
    if radius is not None and not 0 < radius <= MAX_RADIUS_KM:
        errors.add("radius_km", f"Must be more than 0 and at most {MAX_RADIUS_KM}.")
        radius = None
    if lat is None or lon is None:
        return None
    return GeoPoint(lat=lat, lon=lon, radius_km=radius)


def parse_search_params(data: Mapping[str, Any], *, kind: str) -> SearchParams:
    """Validate a search query string; ``kind`` is "listings" or "providers".

    Raises InvalidInput: code "unknown_filter" for parameters we do not know (all of them in
    ``details.unknown``), code "invalid" with per-field messages for malformed values.
    """
    allowed = LISTING_PARAMS if kind == "listings" else PROVIDER_PARAMS
    unknown = sorted(set(data.keys()) - allowed)
    if unknown:
        raise InvalidInput(
            "Unknown filter: " + ", ".join(unknown) + ".",
            code="unknown_filter",
            details={"unknown": unknown, "allowed": sorted(allowed - {"format"})},
        )
    errors = _Errors()
    # An empty value is a mistake (a form field left blank, a template with a missing value),
    # not a request for the default: silently searching without the filter answers a
    # different question than the one asked.
    for name in sorted(data.keys()):
        if any(str(value) == "" for value in _values(data, name)):
            errors.add(name, "Must not be empty; leave the parameter out instead.")
    q = (_first(data, "q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        errors.add("q", f"At most {MAX_QUERY_LENGTH} characters.")
    tags_mode = _first(data, "tags_mode") or "all"
    if tags_mode not in {"all", "any"}:
        errors.add("tags_mode", "Must be all or any.")
    min_price = _int(_first(data, "min_price"), "min_price", errors)
    max_price = _int(_first(data, "max_price"), "max_price", errors)
    if min_price is not None and max_price is not None and min_price > max_price:
        errors.add("max_price", "Must not be below min_price.")
    rating = _float(_first(data, "rating"), "rating", errors)
    if rating is not None and not 0 <= rating <= 5:
        errors.add("rating", "Must be between 0 and 5.")
    badges = _words(_first(data, "badges"))
    bad_badges = [b for b in badges if b not in Badge.values]
    if bad_badges:
        errors.add("badges", "Unknown badge: " + ", ".join(bad_badges) + ".")
    available_on = None
    raw_date = _first(data, "available_on")
    if raw_date is not None:
        try:
            available_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.add("available_on", "Must be a date, YYYY-MM-DD.")
    pricing = _first(data, "pricing")
    if pricing is not None and pricing not in ListingType.Pricing.values:
        errors.add("pricing", "Must be one of " + ", ".join(ListingType.Pricing.values) + ".")
    currency = _first(data, "currency")
    if currency is not None:
        currency = currency.upper()
        if len(currency) != 3 or not currency.isalpha():
            errors.add("currency", "Must be a three-letter currency code.")
    point = _point(data, errors)
    sorts = LISTING_SORTS if kind == "listings" else PROVIDER_SORTS
    sort = _first(data, "sort") or ("relevance" if q else "newest")
    if sort not in sorts:
        errors.add("sort", "Must be one of " + ", ".join(sorts) + ".")
    elif sort == "distance" and point is None:
        errors.add("sort", "Sorting by distance needs lat and lon.")
    elif sort == "relevance" and not q:
        errors.add("sort", "Sorting by relevance needs q.")
    page_size = _int(_first(data, "page_size"), "page_size", errors, minimum=1)
    if page_size is not None and page_size > MAX_PAGE_SIZE:
        errors.add("page_size", f"At most {MAX_PAGE_SIZE}.")
    within = _bool(_first(data, "within_travel_radius"), "within_travel_radius", errors)
    if within and point is None:
        errors.add("within_travel_radius", "Needs lat and lon.")
    facets = _bool(_first(data, "facets"), "facets", errors)
    online = _bool(_first(data, "online"), "online", errors)
    if errors.by_field:
        raise InvalidInput("Some search parameters are not valid.", details=errors.by_field)
    return SearchParams(
        q=q,
        category=_first(data, "category"),
        tags=_words(_first(data, "tags")),
        tags_mode=tags_mode,
        min_price=min_price,
        max_price=max_price,
        currency=currency,
        rating=rating,
        badges=badges,
        point=point,
        within_travel_radius=bool(within),
        available_on=available_on,
        online=online,
        listing_type=_first(data, "type"),
        pricing=pricing,
        sort=sort,
        cursor=_first(data, "cursor"),
        page_size=page_size or DEFAULT_PAGE_SIZE,
        facets=True if facets is None else facets,
    )
