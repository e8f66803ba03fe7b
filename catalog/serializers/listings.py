"""Listings with their packages and ticket tiers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from catalog.models import (
    Listing,
    ListingPackage,
    TicketTier,
)
from catalog.serializers.providers import (
    CategoryBriefSerializer,
    ProviderRefSerializer,
    coordinate_field,
    provider_ref,
)


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
