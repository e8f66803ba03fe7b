"""Listings: the owner's drafts and edits, the lifecycle, public detail."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsMarketplaceStaff, IsProvider
from api.responses import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, error
from catalog import selectors, services
from catalog.serializers import FeaturedSerializer, ListingInputSerializer, ListingSerializer
from config.errors import InvalidInput

TAGS = ["catalog: listings"]

BAD_LISTING = error(
    "`invalid`, `unknown_category`, `unknown_listing_type`, `field_not_for_type`, "
    "`currency_not_accepted`, `too_many_packages`, `invalid_coordinates`, `negative_amount`."
)


def _reload(listing, request):
    return selectors.listing_get(viewer=request.user, listing_id=listing.pk)


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
        listing = services.listing_create(
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
            ListingSerializer(
                selectors.listing_get(viewer=request.user, listing_id=listing_id)
            ).data
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
        listing = services.listing_update(
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
        return Response(
            ListingSerializer(selectors.listing_get(viewer=request.user, slug=slug)).data
        )


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
    services.listing_publish,
    "Publish a draft or resume a paused listing (owner). It must be complete.",
    "`forbidden`: only the owner publishes.",
)
ListingPauseView = _transition_view(
    "pause", services.listing_pause, "Pause a published listing (owner or staff).", "`forbidden`."
)
ListingArchiveView = _transition_view(
    "archive",
    services.listing_archive,
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
        listing = services.listing_feature_set(
            actor=request.user, listing_id=listing_id, featured=data["featured"]
        )
        return Response(ListingSerializer(_reload(listing, request)).data)
