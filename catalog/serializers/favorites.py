"""Favorites."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import (
    Favorite,
    Listing,
)
from catalog.serializers.providers import CategoryBriefSerializer, ProviderSummarySerializer


class DeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()


# Favorites


class FavoriteListingSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    provider = ProviderSummarySerializer(read_only=True)

    class Meta:
        model = Listing
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "price_minor",
            "currency",
            "category",
            "provider",
        ]
        read_only_fields = fields


class FavoriteSerializer(serializers.ModelSerializer):
    # A favorite is of a provider or of a listing: the other one is null.
    provider = ProviderSummarySerializer(read_only=True, allow_null=True)
    listing = FavoriteListingSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Favorite
        fields = ["id", "provider", "listing", "created_at"]
        read_only_fields = fields
