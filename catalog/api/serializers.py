"""Serializers several catalog API features share, and the bookings API names providers by."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import Category, ProviderProfile


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


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]
        read_only_fields = fields


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


class DeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()
