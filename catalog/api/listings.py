"""Listings: the owner's drafts and edits, the lifecycle, public detail."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.inputs import validated
from api.permissions import IsMarketplaceStaff, IsProvider
from api.responses import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, error
from catalog.api.serializers import (
    CategoryBriefSerializer,
    ProviderRefSerializer,
    coordinate_field,
    provider_ref,
)
from catalog.models import Listing, ListingPackage, TicketTier
from catalog.selectors.listings import listing_get
from catalog.services.listings import (
    listing_archive,
    listing_create,
    listing_feature_set,
    listing_pause,
    listing_publish,
    listing_update,
)
from config.errors import InvalidInput


class PackageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingPackage
        fields = ["id", "tier", "name", "description", "price_minor", "delivery_days", "revisions"]
        read_only_fields = fields


class PackageInputSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=ListingPackage.Tier.choices)
    name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    price_minor = fields.amount_minor()
    delivery_days = serializers.IntegerField(min_value=1, max_value=365)
    revisions = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)


class TicketTierSerializer(serializers.ModelSerializer):
    """Figures from bookings.selectors.ticket_tiers_counted: held + sold + remaining is the
    capacity."""

    held = serializers.IntegerField(
        source="held_count", read_only=True, help_text="Seats reserved, not yet paid for."
    )
    sold = serializers.IntegerField(
        source="sold_count", read_only=True, help_text="Seats paid for (paid or issued)."
    )
    remaining = serializers.IntegerField(read_only=True, help_text="Seats still on sale.")

    class Meta:
        model = TicketTier
        fields = [
            "id",
            "name",
            "description",
            "price_minor",
            "capacity",
            "held",
            "sold",
            "remaining",
            "sales_start",
            "sales_end",
            "position",
        ]
        read_only_fields = fields


class TicketTierInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=280, required=False, allow_blank=True)
    price_minor = fields.amount_minor()
    capacity = fields.count(min_value=1)
    sales_start = serializers.DateTimeField(required=False, allow_null=True)
    sales_end = serializers.DateTimeField(required=False, allow_null=True)


class ListingInputSerializer(serializers.Serializer):
    """Create (listing_type, category and title required) or change a listing.

    Send only what the listing type uses: ``packages`` for packages, ``ticket_tiers`` with
    ``starts_at``/``ends_at`` for tickets, ``stock`` for products, ``price_minor`` otherwise.
    For packages and tickets ``price_minor`` is derived (the lowest package or tier price).
    """

    listing_type = fields.row_id(required=False)
    category = fields.row_id(required=False)
    title = serializers.CharField(max_length=140, required=False)
    description = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, help_text="Limited HTML."
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    price_minor = fields.amount_minor(
        required=False, help_text="Minor units; per minute for per-minute types."
    )
    currency = serializers.CharField(min_length=3, max_length=3, required=False)
    stock = fields.count(required=False, allow_null=True, help_text="null: unlimited (digital).")
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    location_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    latitude = coordinate_field("WGS 84; sent with longitude.", bound=90)
    longitude = coordinate_field("WGS 84; sent with latitude.", bound=180)
    packages = PackageInputSerializer(many=True, required=False)
    ticket_tiers = TicketTierInputSerializer(many=True, required=False)

    def to_changes(self) -> dict:
        data = dict(self.validated_data)
        data.pop("listing_type", None)
        if "category" in data:
            data["category_id"] = data.pop("category")
        for nested in ("packages", "ticket_tiers"):
            if nested in data:
                data[nested] = [dict(item) for item in data[nested]]
        return data


class ListingSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    listing_type = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    packages = PackageSerializer(many=True, read_only=True)
    ticket_tiers = TicketTierSerializer(many=True, read_only=True)
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=6, coerce_to_string=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "status",
            "featured",
            "category",
            "listing_type",
            "provider",
            "tags",
            "price_minor",
            "currency",
            "stock",
            "starts_at",
            "ends_at",
            "location_name",
            "latitude",
            "longitude",
            "packages",
            "ticket_tiers",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_listing_type(self, listing) -> dict:
        lt = listing.listing_type
        return {"id": lt.pk, "slug": lt.slug, "name": lt.name, "pricing": lt.pricing}

    @extend_schema_field(ProviderRefSerializer)
    def get_provider(self, listing) -> dict:
        return provider_ref(listing.provider)


class FeaturedSerializer(serializers.Serializer):
    featured = serializers.BooleanField()


TAGS = ["catalog: listings"]

BAD_LISTING = error(
    "`invalid`, `unknown_category`, `unknown_listing_type`, `field_not_for_type`, "
    "`currency_not_accepted`, `too_many_packages`, `invalid_coordinates`, `negative_amount`."
)


def _reload(listing, request):
    return listing_get(viewer=request.user, listing_id=listing.pk)


class ListingCreateView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS,
        summary="Draft a listing under the provider's profile.",
        request=ListingInputSerializer,
        responses={
            201: ListingSerializer,
            400: BAD_LISTING,
            403: FORBIDDEN,
            404: error("`no_profile`."),
        },
        examples=[
            OpenApiExample(
                "Gig with packages",
                request_only=True,
                value={
                    "listing_type": 1,
                    "category": 3,
                    "title": "A logo for your start-up",
                    "description": "<p>Three concepts, <em>vector</em> files.</p>",
                    "tags": ["logo", "branding"],
                    "packages": [
                        {"tier": "basic", "price_minor": 5000, "delivery_days": 3, "revisions": 1},
                        {
                            "tier": "premium",
                            "price_minor": 15000,
                            "delivery_days": 5,
                            "revisions": 5,
                        },
                    ],
                },
            ),
            OpenApiExample(
                "Ticketed event",
                request_only=True,
                value={
                    "listing_type": 1,
                    "category": 1,
                    "title": "Summer jazz night",
                    "starts_at": "2026-07-04T19:00:00Z",
                    "ends_at": "2026-07-04T23:00:00Z",
                    "location_name": "Riverside Hall",
                    "ticket_tiers": [
                        {"name": "Standing", "price_minor": 2000, "capacity": 300},
                        {"name": "VIP", "price_minor": 6000, "capacity": 40},
                    ],
                },
            ),
        ],
    )
    def post(self, request):
        serializer = validated(ListingInputSerializer, request.data)
        listing_type_id = serializer.validated_data.get("listing_type")
        if listing_type_id is None:
            raise InvalidInput(
                _("Choose a listing type."), details={"listing_type": [_("Required.")]}
            )
        listing = listing_create(
            actor=request.user, listing_type_id=listing_type_id, changes=serializer.to_changes()
        )
        return Response(
            ListingSerializer(_reload(listing, request)).data, status=status.HTTP_201_CREATED
        )


class ListingDetailView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=TAGS,
        summary="A listing: published ones for everyone, others for their owner and staff.",
        responses={200: ListingSerializer, 404: NOT_FOUND},
    )
    def get(self, request, listing_id: int):
        return Response(
            ListingSerializer(listing_get(viewer=request.user, listing_id=listing_id)).data
        )

    @extend_schema(
        tags=TAGS,
        summary="Change the owner's listing. `packages` and `ticket_tiers` replace the whole set "
        "(tiers match by name; sold ones stay).",
        description="A package is never edited in place: an unchanged one keeps its id; one "
        "dropped or changed is deleted, or archived if orders refer to it (they keep it; it "
        "is no longer offered or orderable).",
        request=ListingInputSerializer(partial=True),
        responses={
            200: ListingSerializer,
            400: BAD_LISTING,
            401: UNAUTHENTICATED,
            403: error("`forbidden`: not the owner."),
            404: NOT_FOUND,
            409: error("`listing_archived`, `tier_has_sales`, `capacity_below_sold`."),
            422: error("`listing_incomplete`: a published listing must stay complete."),
        },
    )
    def patch(self, request, listing_id: int):
        serializer = validated(ListingInputSerializer, request.data, partial=True)
        if "listing_type" in serializer.validated_data:
            raise InvalidInput(
                _("A listing's type cannot change; create a new listing."),
                details={"listing_type": [_("Read-only after creation.")]},
            )
        listing = listing_update(
            actor=request.user, listing_id=listing_id, changes=serializer.to_changes()
        )
        return Response(ListingSerializer(_reload(listing, request)).data)


class ListingBySlugView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A listing by its slug (same visibility as by id).",
        responses={200: ListingSerializer, 404: NOT_FOUND},
    )
    def get(self, request, slug: str):
        return Response(ListingSerializer(listing_get(viewer=request.user, slug=slug)).data)


def _transition_view(action: str, service, summary: str, forbidden: str):
    class TransitionView(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            tags=TAGS,
            summary=summary,
            request=None,
            operation_id=f"listing_{action}",
            responses={
                200: ListingSerializer,
                401: UNAUTHENTICATED,
                403: error(forbidden),
                404: NOT_FOUND,
                409: error("`invalid_transition`: not allowed from the current state."),
                422: error("`listing_incomplete`, with what is missing in details.")
                if action == "publish"
                else error("Not used."),
            },
        )
        def post(self, request, listing_id: int):
            listing = service(actor=request.user, listing_id=listing_id)
            return Response(ListingSerializer(_reload(listing, request)).data)

    TransitionView.__name__ = f"Listing{action.title()}View"
    return TransitionView


ListingPublishView = _transition_view(
    "publish",
    listing_publish,
    "Publish a draft or resume a paused listing (owner). It must be complete.",
    "`forbidden`: only the owner publishes.",
)
ListingPauseView = _transition_view(
    "pause", listing_pause, "Pause a published listing (owner or staff).", "`forbidden`."
)
ListingArchiveView = _transition_view(
    "archive",
    listing_archive,
    "Archive a listing for good (owner or staff).",
    "`forbidden`.",
)


class ListingFeatureView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Feature or un-feature a listing (staff).",
        request=FeaturedSerializer,
        responses={200: ListingSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, listing_id: int):
        data = validated(FeaturedSerializer, request.data).validated_data
        listing = listing_feature_set(
            actor=request.user, listing_id=listing_id, featured=data["featured"]
        )
        return Response(ListingSerializer(_reload(listing, request)).data)
