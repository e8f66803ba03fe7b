"""The provider's own profile: details, online status, listings, weekly hours and dated
availability (``provider-profile/``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.inputs import parse_choice, parse_day, parse_day_range, validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.permissions import IsProvider
from api.responses import FORBIDDEN, INVALID, error
from catalog.api.availability_params import DATE_RANGE_PARAMETERS, REQUIRED_DATE_RANGE_PARAMETERS
from catalog.api.listings import ListingSerializer
from catalog.api.providers import ProviderPublicSerializer
from catalog.api.serializers import DeletedSerializer, coordinate_field
from catalog.models import AvailabilityEntry, Listing, WeeklyHours
from catalog.selectors.availability import availability_entries_own, weekly_hours_own
from catalog.selectors.listings import own_listings
from catalog.selectors.providers import provider_profile_get, provider_profile_own
from catalog.services.availability import (
    availability_delete_range,
    availability_upsert,
    weekly_hours_replace,
)
from catalog.services.profiles import provider_online_set, provider_profile_save


class ProfileInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=120)
    tagline = serializers.CharField(max_length=160, required=False, allow_blank=True)
    bio = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, help_text="Limited HTML."
    )
    location_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    latitude = coordinate_field("WGS 84; sent with longitude.", bound=90)
    longitude = coordinate_field("WGS 84; sent with latitude.", bound=180)
    travel_radius_km = serializers.IntegerField(min_value=0, max_value=20_000, required=False)
    categories = serializers.ListField(child=fields.row_id(), required=False, max_length=50)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    minimum_rate_minor = fields.amount_minor(required=False, allow_null=True)
    hourly_rate_minor = fields.amount_minor(required=False, allow_null=True)
    event_rate_minor = fields.amount_minor(required=False, allow_null=True)
    per_minute_rates = serializers.DictField(
        child=fields.amount_minor(),
        required=False,
        help_text="Minor units per minute by channel (chat, phone, video).",
    )

    def to_changes(self) -> dict:
        data = dict(self.validated_data)
        if "categories" in data:
            data["category_ids"] = data.pop("categories")
        return data


class OnlineSerializer(serializers.Serializer):
    is_online = serializers.BooleanField()


class WeeklyHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday.")

    class Meta:
        model = WeeklyHours
        fields = ["weekday", "start_time", "end_time"]


class AvailabilityEntrySerializer(serializers.ModelSerializer):
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    end_time = serializers.TimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")

    class Meta:
        model = AvailabilityEntry
        fields = ["id", "date", "start_time", "end_time", "status", "note"]
        read_only_fields = ["id"]


OWN_TAGS = ["catalog: my provider profile"]

PROFILE_EXAMPLE = OpenApiExample(
    "Profile",
    request_only=True,
    value={
        "display_name": "Ember & Ash",
        "tagline": "Fire and LED shows for weddings and festivals",
        "bio": "<p>Ten years of <strong>fire</strong> performance.</p>",
        "location_name": "Bristol",
        "latitude": 51.454514,
        "longitude": -2.58791,
        "travel_radius_km": 150,
        "categories": [2, 3],
        "tags": ["Fire Poi", "LED"],
        "languages": ["en"],
        "minimum_rate_minor": 25000,
        "event_rate_minor": 60000,
    },
)


class OwnProfileView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=OWN_TAGS,
        summary="The logged-in provider's profile.",
        responses={200: ProviderPublicSerializer, 403: FORBIDDEN, 404: error("`no_profile`.")},
    )
    def get(self, request):
        return Response(ProviderPublicSerializer(provider_profile_own(user=request.user)).data)

    def _save(self, request, *, replace: bool, partial: bool):
        serializer = validated(ProfileInputSerializer, request.data, partial=partial)
        profile, created = provider_profile_save(
            actor=request.user, changes=serializer.to_changes(), replace=replace
        )
        profile = provider_profile_get(provider_id=profile.pk)
        return Response(
            ProviderPublicSerializer(profile).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=OWN_TAGS,
        summary="Create the profile, or replace all of it (missing fields return to defaults).",
        request=ProfileInputSerializer,
        responses={
            200: ProviderPublicSerializer,
            201: ProviderPublicSerializer,
            400: error(
                "`invalid`, `invalid_coordinates`, `unknown_category`, `unknown_channel`, "
                "`negative_amount`."
            ),
            403: FORBIDDEN,
        },
        examples=[PROFILE_EXAMPLE],
    )
    def put(self, request):
        return self._save(request, replace=True, partial=False)

    @extend_schema(
        tags=OWN_TAGS,
        summary="Change some fields of the profile (creates it when display_name is given).",
        request=ProfileInputSerializer(partial=True),
        responses={
            200: ProviderPublicSerializer,
            201: ProviderPublicSerializer,
            400: INVALID,
            403: FORBIDDEN,
        },
    )
    def patch(self, request):
        return self._save(request, replace=False, partial=True)


class OwnOnlineView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=OWN_TAGS,
        summary="Go online or offline (also records when the provider was last seen).",
        request=OnlineSerializer,
        responses={200: ProviderPublicSerializer, 403: FORBIDDEN, 404: error("`no_profile`.")},
    )
    def post(self, request):
        data = validated(OnlineSerializer, request.data).validated_data
        profile = provider_online_set(actor=request.user, is_online=data["is_online"])
        return Response(ProviderPublicSerializer(profile).data)


class OwnListingsView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=OWN_TAGS,
        summary="The logged-in provider's listings in every state, newest first.",
        parameters=[
            OpenApiParameter("status", str, enum=Listing.Status.values),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of(ListingSerializer), 403: FORBIDDEN},
    )
    def get(self, request):
        wanted = parse_choice(
            request.query_params.get("status"), name="status", choices=Listing.Status.values
        )
        queryset = own_listings(user=request.user, status=wanted)
        return paginated(self, request, queryset, ListingSerializer)


class OwnWeeklyHoursView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=OWN_TAGS,
        summary="The provider's weekly hours (0 = Monday).",
        responses={200: WeeklyHoursSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        hours = weekly_hours_own(user=request.user)
        return Response(WeeklyHoursSerializer(hours, many=True).data)

    @extend_schema(
        tags=OWN_TAGS,
        summary="Replace all weekly hours at once (an empty list clears them).",
        request=WeeklyHoursSerializer(many=True),
        responses={
            200: WeeklyHoursSerializer(many=True),
            400: error("`invalid` or `overlapping_hours`."),
            403: FORBIDDEN,
            404: error("`no_profile`."),
        },
        examples=[
            OpenApiExample(
                "Weekends",
                request_only=True,
                value=[
                    {"weekday": 5, "start_time": "10:00", "end_time": "23:00"},
                    {"weekday": 6, "start_time": "12:00", "end_time": "20:00"},
                ],
            )
        ],
    )
    def put(self, request):
        serializer = validated(WeeklyHoursSerializer, request.data, many=True)
        hours = weekly_hours_replace(actor=request.user, slots=serializer.validated_data)
        return Response(WeeklyHoursSerializer(hours, many=True).data)


class OwnAvailabilityView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=OWN_TAGS,
        summary="The provider's dated availability entries in a date range.",
        parameters=DATE_RANGE_PARAMETERS,
        responses={200: AvailabilityEntrySerializer(many=True), 400: INVALID, 403: FORBIDDEN},
    )
    def get(self, request):
        start, end = parse_day_range(request)
        entries = availability_entries_own(user=request.user, start=start, end=end)
        return Response(AvailabilityEntrySerializer(entries, many=True).data)

    @extend_schema(
        tags=OWN_TAGS,
        summary="Create or change dated entries, keyed by date and time range. No times: the "
        "whole day.",
        request=AvailabilityEntrySerializer(many=True),
        responses={
            200: AvailabilityEntrySerializer(many=True),
            400: INVALID,
            403: FORBIDDEN,
            404: error("`no_profile`."),
        },
        examples=[
            OpenApiExample(
                "Block a day, open an evening",
                request_only=True,
                value=[
                    {"date": "2026-07-04", "status": "blocked", "note": "Holiday"},
                    {
                        "date": "2026-07-07",
                        "start_time": "18:00",
                        "end_time": "23:00",
                        "status": "available",
                    },
                ],
            )
        ],
    )
    def post(self, request):
        serializer = validated(AvailabilityEntrySerializer, request.data, many=True)
        entries = availability_upsert(actor=request.user, entries=serializer.validated_data)
        return Response(AvailabilityEntrySerializer(entries, many=True).data)

    @extend_schema(
        tags=OWN_TAGS,
        summary="Delete every dated entry from `from` to `to` inclusive.",
        parameters=REQUIRED_DATE_RANGE_PARAMETERS,
        responses={
            200: DeletedSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: error("`no_profile`."),
        },
    )
    def delete(self, request):
        start = parse_day(request.query_params.get("from"), name="from")
        end = parse_day(request.query_params.get("to"), name="to")
        deleted = availability_delete_range(actor=request.user, start=start, end=end)
        return Response({"deleted": deleted})
