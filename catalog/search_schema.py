"""Query parameters of the search endpoints as the OpenAPI schema states them.

Every rule parse_search_params enforces that a schema can say is said here (bounds, lengths,
enums, patterns), and the rest in words ("requires", "required together"), so a client that
builds requests from the schema is not refused for a rule it could not know. Every parameter
refuses an empty value, so strings carry minLength 1.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from catalog.models import Badge
from catalog.search.params import (
    LISTING_SORTS,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RADIUS_KM,
    PROVIDER_SORTS,
)
from catalog.search.suggest import SUGGEST_MIN_LENGTH

_P = OpenApiParameter
_TEXT = {"type": "string", "minLength": 1}


def _integer(minimum: int, maximum: int | None = None) -> dict:
    schema = {"type": "integer", "minimum": minimum}
    return schema if maximum is None else {**schema, "maximum": maximum}


def _number(minimum: float, maximum: float) -> dict:
    return {"type": "number", "minimum": minimum, "maximum": maximum}


_BADGE = "(" + "|".join(Badge.values) + ")"
_SORT_HELP = (
    "Default: relevance with q, else newest. sort=distance requires lat and lon; "
    "sort=relevance requires q."
)
_COMMON_PARAMETERS = [
    _P(
        "q",
        {**_TEXT, "maxLength": MAX_QUERY_LENGTH},
        description='Text: web-search syntax ("quoted phrase", or, -exclude); '
        "typos in the title are tolerated.",
        examples=[OpenApiExample("text", value="fire breathing")],
    ),
    _P("category", _TEXT, description="Category slug or id; includes its sub-categories."),
    _P(
        "tags",
        _TEXT,
        description="Comma-separated tags.",
        examples=[OpenApiExample("tags", value="wedding,festival")],
    ),
    _P("tags_mode", str, enum=["all", "any"], description="Match all tags (default) or any."),
    _P("min_price", _integer(0), description="Lowest price in minor units (≥ 0)."),
    _P(
        "max_price",
        _integer(0),
        description="Highest price in minor units (≥ 0, and not below min_price).",
    ),
    _P("rating", _number(0, 5), description="Provider's average rating at least this (0–5)."),
    _P(
        "badges",
        {"type": "string", "pattern": f"^{_BADGE}(,{_BADGE})*$"},
        description="Comma-separated badges the provider must all hold "
        "(insurance, dbs, id, licensed).",
    ),
    _P(
        "lat",
        _number(-90, 90),
        description="Latitude of the search point (−90…90); required together with lon.",
    ),
    _P(
        "lon",
        _number(-180, 180),
        description="Longitude of the search point (−180…180); required together with lat.",
    ),
    _P(
        "radius_km",
        {**_number(0, MAX_RADIUS_KM), "exclusiveMinimum": True},
        description=f"Only within this many km of the point (0 < r ≤ {MAX_RADIUS_KM}); "
        "requires lat and lon.",
    ),
    _P("available_on", OpenApiTypes.DATE, description="Provider works that day."),
    _P("online", bool, description="Only providers online now."),
    _P("cursor", _TEXT, description="next_cursor of the previous page, with the same filters."),
    _P("page_size", _integer(1, MAX_PAGE_SIZE), description=f"1–{MAX_PAGE_SIZE}, default 20."),
    _P("facets", bool, description="Include facet counts (default true)."),
]
LISTING_PARAMETERS = [
    *_COMMON_PARAMETERS,
    _P("type", _TEXT, description="Listing type slug."),
    _P(
        "pricing",
        str,
        enum=["date_slot", "per_minute", "quote", "packages", "tickets", "product"],
        description="How the listing is priced.",
    ),
    _P(
        "currency",
        {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        description="Only listings priced in this currency; price bands use it.",
    ),
    _P(
        "sort",
        str,
        enum=list(LISTING_SORTS),
        description=_SORT_HELP,
    ),
]
PROVIDER_PARAMETERS = [
    *_COMMON_PARAMETERS,
    _P(
        "within_travel_radius",
        bool,
        description="Only providers whose travel radius reaches the point (true requires "
        "lat and lon).",
    ),
    _P(
        "sort",
        str,
        enum=list(PROVIDER_SORTS),
        description=_SORT_HELP,
    ),
]

SUGGEST_PARAMETERS = [
    _P(
        "q",
        # Spaces are collapsed before counting: two characters that are not spaces.
        {"type": "string", "minLength": SUGGEST_MIN_LENGTH, "pattern": r"\S[\s\S]*\S"},
        required=True,
        description=f"What the user has typed (≥ {SUGGEST_MIN_LENGTH} characters, not "
        "counting spaces).",
        examples=[OpenApiExample("typed", value="fier")],
    ),
]
