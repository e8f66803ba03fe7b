"""Providers as others see them: public pages, listings and calendars; staff badges; peer
vouches. The provider's own profile is catalog.api.provider_profile."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import parse_day_range, validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.permissions import IsMarketplaceStaff, IsProvider
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from catalog import selectors, services
from catalog.api.availability_params import DATE_RANGE_PARAMETERS
from catalog.models import Badge
from catalog.serializers import (
    BadgeSerializer,
    CalendarSerializer,
    ListingSerializer,
    ProviderDetailSerializer,
    ProviderPublicSerializer,
    VouchInputSerializer,
    VouchSerializer,
)

TAGS = ["catalog: providers"]


class ProviderDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A provider's public profile, with vouch counts by skill area.",
        responses={200: ProviderDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, provider_id: int):
        profile = selectors.provider_profile_public(provider_id=provider_id)
        context = {"vouches": selectors.vouch_summary(provider=profile)}
        return Response(ProviderDetailSerializer(profile, context=context).data)


class ProviderBadgesView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Grant a verification badge (staff). Granting one twice changes nothing.",
        request=BadgeSerializer,
        responses={200: ProviderPublicSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, provider_id: int):
        data = validated(BadgeSerializer, request.data).validated_data
        profile = services.provider_badge_grant(
            actor=request.user, provider_id=provider_id, badge=data["badge"]
        )
        return Response(ProviderPublicSerializer(profile).data)


class ProviderBadgeDetailView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Revoke a verification badge (staff).",
        parameters=[OpenApiParameter("badge", str, OpenApiParameter.PATH, enum=Badge.values)],
        responses={200: ProviderPublicSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, provider_id: int, badge: str):
        profile = services.provider_badge_revoke(
            actor=request.user, provider_id=provider_id, badge=badge
        )
        return Response(ProviderPublicSerializer(profile).data)


class ProviderVouchesView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated(), IsProvider()]

    @extend_schema(
        tags=TAGS,
        summary="Who vouches for this provider, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(VouchSerializer), 404: NOT_FOUND},
    )
    def get(self, request, provider_id: int):
        return paginated(
            self, request, selectors.vouch_list(provider_id=provider_id), VouchSerializer
        )

    @extend_schema(
        tags=TAGS,
        summary="Vouch for another provider in one skill area (once per area).",
        request=VouchInputSerializer,
        responses={
            201: VouchSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`already_vouched`."),
            422: error("`self_vouch` or `no_profile`."),
        },
        examples=[
            OpenApiExample(
                "Vouch", request_only=True, value={"skill_area": "fire-poi", "note": "Safe hands."}
            )
        ],
    )
    def post(self, request, provider_id: int):
        data = validated(VouchInputSerializer, request.data).validated_data
        vouch = services.vouch_create(actor=request.user, vouchee_id=provider_id, **data)
        return Response(VouchSerializer(vouch).data, status=status.HTTP_201_CREATED)


class ProviderListingsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A provider's published listings (the owner also sees drafts and paused ones).",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(ListingSerializer), 404: NOT_FOUND},
    )
    def get(self, request, provider_id: int):
        queryset = selectors.provider_listings(provider_id=provider_id, viewer=request.user)
        return paginated(self, request, queryset, ListingSerializer)


class ProviderAvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A provider's calendar: each day's status and free time ranges. Defaults to "
        "the next 30 days.",
        parameters=DATE_RANGE_PARAMETERS,
        responses={
            200: CalendarSerializer,
            400: error("`malformed_date`, `range_too_long` or `invalid`."),
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "Two days",
                response_only=True,
                value={
                    "provider": 7,
                    "days": [
                        {
                            "date": "2026-07-04",
                            "status": "available",
                            "slots": [{"start": "10:00", "end": "23:00"}],
                        },
                        {"date": "2026-07-05", "status": "blocked", "slots": []},
                    ],
                },
            )
        ],
    )
    def get(self, request, provider_id: int):
        profile = selectors.provider_profile_get(provider_id=provider_id)
        start, end = parse_day_range(request)
        days = selectors.provider_calendar(provider=profile, start=start, end=end)
        return Response(CalendarSerializer({"provider": profile.pk, "days": days}).data)
