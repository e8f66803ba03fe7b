"""Query parameters of the search endpoints: one serializer per endpoint validates them and,
given to ``extend_schema(parameters=[...])``, documents them (``api.query``), so the schema
states exactly what the views accept.

Every rule a schema can say is said by a field (types, formats, bounds, enums, patterns);
rules between parameters (lat with lon, sort=distance needs a point, max_price not below
min_price) are said in the parameters' descriptions, since OpenAPI 3.0 cannot express them.
The search serializers build the frozen ``SearchParams`` the selectors take.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.fields import MAX_AMOUNT_MINOR
from api.query import (
    Choice,
    Described,
    Flag,
    IsoDate,
    Number,
    StrictQuerySerializer,
    Text,
    WholeNumber,
    Words,
)
from catalog.models import Badge, ListingType
from catalog.search.params import (
    DEFAULT_PAGE_SIZE,
    LISTING_SORTS,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RADIUS_KM,
    PROVIDER_SORTS,
    GeoPoint,
    SearchParams,
)
from catalog.search.suggest import SUGGEST_MIN_LENGTH, SUGGEST_SPACE, suggest_text
from catalog.selectors.taxonomy import listing_type_list

_CURRENCY = re.compile(r"[A-Za-z]{3}")


class Currency(Described, serializers.Field):
    def __init__(self, **kwargs: Any):
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not _CURRENCY.fullmatch(str(data)):
            raise serializers.ValidationError(_("Must be a three-letter currency code."))
        return str(data).upper()

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{_CURRENCY.pattern}$"}


class ListingTypeSlug(Described, serializers.Field):
    """The slug of one of this marketplace's listing types, read only when the filter is used.

    Not an enum in the schema: staff add and rename types at any time, so a list of them
    would be stale in a client's copy of the schema. Like a category, one that does not exist
    is a 400 (a reference to no row), not an empty page.
    """

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not listing_type_list().filter(slug=data).exists():
            raise serializers.ValidationError(_("Unknown listing type: %(slug)s.") % {"slug": data})
        return data

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


def _sort(sorts: tuple[str, ...]) -> Choice:
    return Choice(
        sorts,
        help_text="Default: relevance with q, else newest. sort=distance requires lat and "
        "lon; sort=relevance requires q (400 `invalid` otherwise).",
    )


class SearchQuerySerializer(StrictQuerySerializer):
    """What listing and provider searches share."""

    repeatable = frozenset({"tags", "badges"})

    q = Text(
        max_length=MAX_QUERY_LENGTH,
        help_text='Text: web-search syntax ("quoted phrase", or, -exclude); typos in the '
        "title are tolerated.",
    )
    category = Text(
        help_text="Category slug or id; includes its sub-categories. One this marketplace "
        "does not have is a 400 `invalid` (There is no such category)."
    )
    tags = Words(
        help_text="Tags: the parameter repeated, or comma-separated (tags=wedding,festival)."
    )
    tags_mode = Choice(
        ("all", "any"),
        message=lambda: _("Must be all or any."),
        help_text="Match all tags (default) or any.",
    )
    min_price = WholeNumber(
        minimum=0, maximum=MAX_AMOUNT_MINOR, help_text="Lowest price in minor units."
    )
    max_price = WholeNumber(
        minimum=0,
        maximum=MAX_AMOUNT_MINOR,
        help_text="Highest price in minor units; not below min_price (400 `invalid`).",
    )
    rating = Number(
        minimum=0,
        maximum=5,
        out_of_range=lambda: _("Must be between 0 and 5."),
        help_text="Provider's average rating at least this.",
    )
    badges = Words(
        choices=Badge.values,
        unknown=lambda names: _("Unknown badge: %(names)s.") % {"names": names},
        help_text="Badges the provider must all hold: the parameter repeated, or comma-separated.",
    )
    lat = Number(
        minimum=-90,
        maximum=90,
        out_of_range=lambda: _("Must be between -90 and 90."),
        help_text="Latitude of the search point; required together with lon.",
    )
    lon = Number(
        minimum=-180,
        maximum=180,
        out_of_range=lambda: _("Must be between -180 and 180."),
        help_text="Longitude of the search point; required together with lat.",
    )
    radius_km = Number(
        minimum=0,
        maximum=MAX_RADIUS_KM,
        exclusive_minimum=True,
        out_of_range=lambda: (
            _("Must be more than 0 and at most %(limit)s.") % {"limit": MAX_RADIUS_KM}
        ),
        help_text="Only within this many km of the point; requires lat and lon.",
    )
    available_on = IsoDate(help_text="Provider works that day.")
    online = Flag(help_text="Only providers online now.")
    cursor = Text(help_text="next_cursor of the previous page, with the same filters.")
    page_size = WholeNumber(
        minimum=1, maximum=MAX_PAGE_SIZE, help_text=f"Default {DEFAULT_PAGE_SIZE}."
    )
    facets = Flag(help_text="Include facet counts (default true).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = self.rule_errors(attrs)
        if errors:
            raise serializers.ValidationError({name: [m] for name, m in errors.items()})
        return attrs

    def rule_errors(self, attrs: dict[str, Any]) -> dict[str, str]:
        """The rules between parameters that the schema can only state in words."""
        errors = {}
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if not has_lat and not has_lon and "radius_km" in attrs:
            errors["radius_km"] = _("Give lat and lon with radius_km.")
        elif has_lat != has_lon:
            errors["lon" if has_lat else "lat"] = _("Give both lat and lon.")
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            errors["max_price"] = _("Must not be below min_price.")
        sort = attrs.get("sort")
        if sort == "distance" and not (has_lat and has_lon):
            errors["sort"] = _("Sorting by distance needs lat and lon.")
        elif sort == "relevance" and not attrs.get("q", "").strip():
            errors["sort"] = _("Sorting by relevance needs q.")
        return errors

    @classmethod
    def search_params(cls, query) -> SearchParams:
        """The validated query string as the selectors take it. Raises InvalidInput."""
        data = cls.validated_query(query)
        q = data.get("q", "").strip()
        point = None
        if "lat" in data:  # with lon: validated together
            point = GeoPoint(lat=data["lat"], lon=data["lon"], radius_km=data.get("radius_km"))
        return SearchParams(
            q=q,
            category=data.get("category"),
            tags=data.get("tags", ()),
            tags_mode=data.get("tags_mode", "all"),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            currency=data.get("currency"),
            rating=data.get("rating"),
            badges=data.get("badges", ()),
            point=point,
            within_travel_radius=data.get("within_travel_radius", False),
            available_on=data.get("available_on"),
            online=data.get("online"),
            listing_type=data.get("type"),
            pricing=data.get("pricing"),
            sort=data.get("sort") or ("relevance" if q else "newest"),
            cursor=data.get("cursor"),
            page_size=data.get("page_size", DEFAULT_PAGE_SIZE),
            facets=data.get("facets", True),
        )


class ListingSearchQuerySerializer(SearchQuerySerializer):
    sort = _sort(LISTING_SORTS)
    type = ListingTypeSlug(
        help_text="Slug of one of this marketplace's listing types (GET /api/v1/listing-types/); "
        "one it does not have is a 400 `invalid`."
    )
    pricing = Choice(ListingType.Pricing.values, help_text="How the listing is priced.")
    currency = Currency(help_text="Only listings priced in this currency; price bands use it.")


class ProviderSearchQuerySerializer(SearchQuerySerializer):
    sort = _sort(PROVIDER_SORTS)
    within_travel_radius = Flag(
        help_text="Only providers whose travel radius reaches the point (true requires lat "
        "and lon)."
    )

    def rule_errors(self, attrs: dict[str, Any]) -> dict[str, str]:
        errors = super().rule_errors(attrs)
        if attrs.get("within_travel_radius") and not ("lat" in attrs and "lon" in attrs):
            errors["within_travel_radius"] = _("Needs lat and lon.")
        return errors


def _too_short() -> str:
    return _("At least %(limit)s characters.") % {"limit": SUGGEST_MIN_LENGTH}


class SuggestText(Described, serializers.Field):
    """What is typed: at least SUGGEST_MIN_LENGTH characters once its spaces are collapsed."""

    _NOT_SPACE = "[^" + SUGGEST_SPACE.removeprefix("[")

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is serializers.empty or data == "":
            raise serializers.ValidationError(_too_short())
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> str:
        text = suggest_text(str(data))
        if len(text) < SUGGEST_MIN_LENGTH:
            raise serializers.ValidationError(_too_short())
        return text

    def openapi_schema(self) -> dict[str, Any]:
        # Two characters that are not spaces (as suggest_text counts them), anything between.
        pattern = self._NOT_SPACE + r"[\s\S]*" + self._NOT_SPACE
        return {"type": "string", "minLength": SUGGEST_MIN_LENGTH, "pattern": pattern}


class SuggestQuerySerializer(StrictQuerySerializer):
    # Empty is too short, said as such.
    refuse_empty: ClassVar[bool] = False

    q = SuggestText(
        help_text=f"What the user has typed (at least {SUGGEST_MIN_LENGTH} characters, not "
        "counting spaces)."
    )

    @classmethod
    def invalid_message(cls) -> str:
        return _("Type at least %(limit)s characters.") % {"limit": SUGGEST_MIN_LENGTH}
