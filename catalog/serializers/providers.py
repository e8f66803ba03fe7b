"""Provider profiles, their public faces, badges and vouches."""

from __future__ import annotations

from rest_framework import serializers

from api import fields
from catalog.models import (
    Badge,
    Category,
    ProviderProfile,
    Vouch,
)


def coordinate_field(help_text: str, *, bound: int) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        min_value=-bound,
        max_value=bound,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text=help_text,
    )


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


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]
        read_only_fields = fields


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


class ProviderRefSerializer(serializers.Serializer):
    """How every API names a provider: ``id`` is the provider profile's id (the one
    /api/v1/providers/<id>/ takes), ``user_id`` the account behind it (see docs/bookings.md)."""

    id = serializers.IntegerField(help_text="The provider profile id.")
    user_id = serializers.IntegerField(help_text="The provider's user (account) id.")
    display_name = serializers.CharField()


def provider_ref(profile) -> dict:
    return {"id": profile.pk, "user_id": profile.user_id, "display_name": profile.display_name}


class ProviderSummarySerializer(serializers.ModelSerializer):
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ProviderProfile
        fields = [
            "id",
            "user_id",
            "display_name",
            "tagline",
            "badges",
            "is_online",
            "rating_avg",
            "rating_count",
        ]
        read_only_fields = fields


class OnlineSerializer(serializers.Serializer):
    is_online = serializers.BooleanField()


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
