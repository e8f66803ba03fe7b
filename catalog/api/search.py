"""Search endpoints: parse the query string, call one selector, shape the page."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import (
    api_view,
    permission_classes,
    throttle_classes,
    throttle_scope,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api.throttles import ClientScopedRateThrottle
from catalog.api.media import MediaItemSerializer
from catalog.api.search_params import (
    ListingSearchQuerySerializer,
    ProviderSearchQuerySerializer,
    SuggestQuerySerializer,
)
from catalog.search.suggest import search_suggest
from catalog.selectors.search import listing_search, provider_search

# --- output ---------------------------------------------------------------------------------


def _primary_media(obj, context):
    """The primary photo or video, shaped like the media API's items (URLs, not file names)."""
    found = getattr(obj, "primary_media", None) or []
    return MediaItemSerializer(found[0], context=context).data if found else None


def _distance_km(obj) -> float | None:
    # Already as shown (catalog.search.geo.shown_distance_km): to the public grid point.
    return getattr(obj, "distance_km", None)


_DISTANCE_HELP = (
    "With lat/lon: km to a listing's own place, or to its provider's public place (rounded to "
    "0.01°, about 1 km), to 0.1 km and at most radius_km. Null without coordinates."
)


class CategoryOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    names = serializers.DictField()


class ProviderBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2)
    rating_count = serializers.IntegerField()
    badges = serializers.ListField(child=serializers.CharField())
    is_online = serializers.BooleanField()


class PackageOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        help_text="The package's id: the package_id that books it (POST /api/v1/bookings/)."
    )
    tier = serializers.CharField()
    name = serializers.CharField()
    price_minor = serializers.IntegerField()
    delivery_days = serializers.IntegerField()
    revisions = serializers.IntegerField()


class TicketTierOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        help_text="The tier's id: the ticket_tier_id that books it (POST /api/v1/bookings/)."
    )
    name = serializers.CharField()
    price_minor = serializers.IntegerField()
    remaining = serializers.IntegerField()


class ListingHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    price_minor = serializers.IntegerField()
    currency = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    location_name = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    listing_type = serializers.SerializerMethodField()
    category = CategoryOutSerializer()
    provider = ProviderBriefSerializer()
    primary_media = serializers.SerializerMethodField()
    packages = PackageOutSerializer(many=True, source="package_list")
    ticket_tiers = TicketTierOutSerializer(many=True, source="ticket_tier_list")
    distance_km = serializers.SerializerMethodField(help_text=_DISTANCE_HELP)

    def get_listing_type(self, listing) -> dict:
        return {"slug": listing.listing_type.slug, "pricing": listing.listing_type.pricing}

    def get_primary_media(self, listing) -> dict | None:
        return _primary_media(listing, self.context)

    def get_distance_km(self, listing) -> float | None:
        return _distance_km(listing)


class ProviderHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    tagline = serializers.CharField()
    location_name = serializers.CharField()
    travel_radius_km = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())
    badges = serializers.ListField(child=serializers.CharField())
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2)
    rating_count = serializers.IntegerField()
    minimum_rate_minor = serializers.IntegerField(allow_null=True)
    is_online = serializers.BooleanField()
    categories = CategoryOutSerializer(many=True, source="category_list")
    primary_media = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField(help_text=_DISTANCE_HELP)

    def get_primary_media(self, provider) -> dict | None:
        return _primary_media(provider, self.context)

    def get_distance_km(self, provider) -> float | None:
        return _distance_km(provider)


_FACETS = inline_serializer(
    "SearchFacets",
    {
        "categories": inline_serializer(
            "CategoryFacet",
            {
                "id": serializers.IntegerField(),
                "slug": serializers.CharField(),
                "name": serializers.CharField(),
                "names": serializers.DictField(),
                "count": serializers.IntegerField(),
            },
            many=True,
        ),
        "price_bands": inline_serializer(
            "PriceBandFacet",
            {
                "min_price": serializers.IntegerField(),
                "max_price": serializers.IntegerField(allow_null=True),
                "count": serializers.IntegerField(),
            },
            many=True,
        ),
        "currency": serializers.CharField(),
    },
    allow_null=True,
)


def _page_serializer(name, hit):
    return inline_serializer(
        name,
        {
            "results": hit(many=True),
            "next_cursor": serializers.CharField(allow_null=True),
            "sort": serializers.CharField(),
            "facets": _FACETS,
        },
    )


ERROR = inline_serializer(
    "SearchError",
    {
        "error": serializers.CharField(),
        "message": serializers.CharField(),
        "details": serializers.DictField(),
    },
)

# --- parameters: catalog/api/search_params.py (the serializers that validate them) ------

_THROTTLED = OpenApiResponse(
    ERROR,
    description="`throttled`: too many searches from this client (its address, or its user "
    "when logged in); the Retry-After header says after how many seconds to try again.",
)
_BAD_INPUT_EXAMPLE = OpenApiExample(
    "Unknown filter",
    value={
        "error": "unknown_filter",
        "message": "Unknown filter: colour.",
        "details": {"unknown": ["colour"]},
    },
    response_only=True,
    status_codes=["400"],
)
_SEARCH_BAD_INPUT = OpenApiResponse(
    ERROR,
    description="`unknown_filter`: a parameter this search does not take (all named in "
    "details.unknown, the ones it takes in details.allowed). `invalid`: a value the schema "
    "does not allow, a parameter given twice (only tags and badges repeat) or empty, a rule "
    "between parameters the descriptions state (lat with lon; radius_km, sort=distance and "
    "within_travel_radius=true need both; sort=relevance needs q; max_price not below "
    "min_price), or a category or listing type this marketplace does not have; details "
    "name each parameter. `invalid_cursor`: a cursor of another search or marketplace.",
    examples=[_BAD_INPUT_EXAMPLE],
)

# --- views ----------------------------------------------------------------------------------


def _page_response(request, page, serializer_class) -> Response:
    return Response(
        {
            "results": serializer_class(page.items, many=True, context={"request": request}).data,
            "next_cursor": page.next_cursor,
            "sort": page.sort,
            "facets": page.facets,
        }
    )


@extend_schema(
    summary="Search published listings.",
    parameters=[ListingSearchQuerySerializer],
    responses={
        200: _page_serializer("ListingSearchPage", ListingHitSerializer),
        400: _SEARCH_BAD_INPUT,
        429: _THROTTLED,
    },
    examples=[
        OpenApiExample(
            "Fire breathers near London under £500",
            value={"results": [], "next_cursor": None, "sort": "distance", "facets": None},
            description="?q=fire%20breathing&lat=51.5&lon=-0.12&radius_km=50&max_price=50000"
            "&sort=distance",
            response_only=True,
        )
    ],
    tags=["search"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([ClientScopedRateThrottle])
@throttle_scope("search")
def listings_search_view(request):
    params = ListingSearchQuerySerializer.search_params(request.query_params)
    page = listing_search(params=params, viewer=request.user)
    return _page_response(request, page, ListingHitSerializer)


@extend_schema(
    summary="Search provider profiles.",
    parameters=[ProviderSearchQuerySerializer],
    responses={
        200: _page_serializer("ProviderSearchPage", ProviderHitSerializer),
        400: _SEARCH_BAD_INPUT,
        429: _THROTTLED,
    },
    examples=[
        OpenApiExample(
            "Insured performers who travel to Leeds",
            value={"results": [], "next_cursor": None, "sort": "rating", "facets": None},
            description="?lat=53.8&lon=-1.55&within_travel_radius=true&badges=insurance"
            "&sort=rating",
            response_only=True,
        )
    ],
    tags=["search"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([ClientScopedRateThrottle])
@throttle_scope("search")
def providers_search_view(request):
    params = ProviderSearchQuerySerializer.search_params(request.query_params)
    page = provider_search(params=params, viewer=request.user)
    return _page_response(request, page, ProviderHitSerializer)


@extend_schema(
    summary="Autocomplete: up to 10 listing titles, categories and provider names.",
    parameters=[SuggestQuerySerializer],
    responses={
        200: inline_serializer(
            "SearchSuggestions",
            {
                "suggestions": inline_serializer(
                    "Suggestion",
                    {
                        "kind": serializers.ChoiceField(["listing", "category", "provider"]),
                        "text": serializers.CharField(
                            help_text="A listing's title, a provider's name, or a category's "
                            "name in the language it was typed in (its name or one of its "
                            "`names`)."
                        ),
                        "score": serializers.FloatField(),
                        "slug": serializers.CharField(required=False),
                        "id": serializers.IntegerField(required=False),
                    },
                    many=True,
                )
            },
        ),
        400: OpenApiResponse(
            ERROR,
            description="`unknown_filter`: a parameter other than q. `invalid`: q missing, "
            "given twice, or shorter than it may be.",
        ),
        429: _THROTTLED,
    },
    examples=[
        OpenApiExample(
            "Typo",
            value={
                "suggestions": [
                    {
                        "kind": "category",
                        "text": "Fire breathing",
                        "slug": "fire-breathing",
                        "score": 1.8,
                    }
                ]
            },
            response_only=True,
        )
    ],
    tags=["search"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([ClientScopedRateThrottle])
@throttle_scope("suggest")
def suggest_view(request):
    q = SuggestQuerySerializer.validated_query(request.query_params)["q"]
    return Response({"suggestions": search_suggest(q=q)})
