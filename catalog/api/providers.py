"""Providers as others see them: public pages, listings and calendars; staff badges; peer
vouches. The provider's own profile is catalog.api.provider_profile."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import parse_day_range, validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.permissions import IsMarketplaceStaff, IsProvider
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from catalog.api.availability_params import DATE_RANGE_PARAMETERS
from catalog.api.listings import ListingSerializer
from catalog.api.serializers import CategoryBriefSerializer, ProviderSummarySerializer
from catalog.models import Badge, ProviderProfile, Vouch
from catalog.selectors.availability import provider_calendar
from catalog.selectors.listings import provider_listings
from catalog.selectors.providers import (
    provider_profile_get,
    provider_profile_public,
    vouch_list,
    vouch_summary,
)
from catalog.services.profiles import provider_badge_grant, provider_badge_revoke, vouch_create


class ProviderPublicSerializer(serializers.ModelSerializer):
    categories = CategoryBriefSerializer(many=True, read_only=True)
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=6, coerce_to_string=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True
    )
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ProviderProfile
        fields = [
            "id",
            "display_name",
            "tagline",
            "bio",
            "location_name",
            "latitude",
            "longitude",
            "travel_radius_km",
            "categories",
            "tags",
            "languages",
            "minimum_rate_minor",
            "hourly_rate_minor",
            "event_rate_minor",
            "per_minute_rates",
            "badges",
            "is_online",
            "last_seen_at",
            "rating_count",
            "rating_avg",
            "featured",
            "completeness",
            "created_at",
        ]
        read_only_fields = fields


class VouchCountSerializer(serializers.Serializer):
    skill_area = serializers.CharField()
    count = serializers.IntegerField()


class ProviderDetailSerializer(ProviderPublicSerializer):
    """A provider's page for anyone (catalog.selectors.provider_profile_public)."""

    latitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        source="public_latitude",
        help_text="Rounded to 0.01° (about 1 km); the provider and staff see the exact value.",
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        source="public_longitude",
        help_text="Rounded to 0.01° (about 1 km); the provider and staff see the exact value.",
    )
    vouches = serializers.SerializerMethodField()

    class Meta(ProviderPublicSerializer.Meta):
        fields = [*ProviderPublicSerializer.Meta.fields, "vouches"]
        read_only_fields = fields

    def get_vouches(self, profile) -> list[dict]:
        vouches = VouchCountSerializer(self.context.get("vouches", []), many=True)
        return vouches.data  # type: ignore[return-value]  # many=True: a ListSerializer's ReturnList


class BadgeSerializer(serializers.Serializer):
    badge = serializers.ChoiceField(choices=Badge.choices)


class VouchInputSerializer(serializers.Serializer):
    skill_area = serializers.CharField(max_length=40)
    note = serializers.CharField(max_length=280, required=False, allow_blank=True, default="")


class VouchSerializer(serializers.ModelSerializer):
    voucher = ProviderSummarySerializer(read_only=True)

    class Meta:
        model = Vouch
        fields = ["id", "voucher", "vouchee", "skill_area", "note", "created_at"]
        read_only_fields = fields


class CalendarSlotSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM")
    end = serializers.CharField(help_text="HH:MM; 24:00 is the end of the day.")


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=["available", "unavailable", "blocked"])
    slots = CalendarSlotSerializer(many=True)


class CalendarSerializer(serializers.Serializer):
    provider = serializers.IntegerField()
    days = CalendarDaySerializer(many=True)


TAGS = ["catalog: providers"]


class ProviderDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A provider's public profile, with vouch counts by skill area.",
        responses={200: ProviderDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, provider_id: int):
        profile = provider_profile_public(provider_id=provider_id, viewer=request.user)
        context = {"vouches": vouch_summary(provider=profile)}
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
        profile = provider_badge_grant(
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
        profile = provider_badge_revoke(actor=request.user, provider_id=provider_id, badge=badge)
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
        return paginated(self, request, vouch_list(provider_id=provider_id), VouchSerializer)

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
        vouch = vouch_create(actor=request.user, vouchee_id=provider_id, **data)
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
        queryset = provider_listings(provider=provider_id, viewer=request.user)
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
        profile = provider_profile_get(provider_id=provider_id)
        start, end = parse_day_range(request)
        days = provider_calendar(provider=profile, start=start, end=end)
        return Response(CalendarSerializer({"provider": profile.pk, "days": days}).data)
