"""Shapes of the catalog API: input serializers parse, output serializers present.

Rules (ranges that depend on data, currencies, type requirements) live in the services;
serializers only check types and obvious bounds.
"""

from __future__ import annotations

from rest_framework import serializers

from accounts.api import ErrorSerializer  # noqa: F401  (one "Error" component)
from api import fields
from catalog.models import (
    AvailabilityEntry,
    Badge,
    Category,
    Favorite,
    Listing,
    ListingPackage,
    ListingType,
    ProviderProfile,
    TicketTier,
    Vouch,
    WeeklyHours,
)

# Categories


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    names = serializers.DictField(child=serializers.CharField())
    icon = serializers.CharField()
    position = serializers.IntegerField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field, not Field.parent
        allow_null=True
    )
    children = serializers.ListField(
        child=serializers.DictField(), help_text="Nodes of the same shape."
    )


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "names", "icon", "position", "parent"]
        read_only_fields = fields


class CategoryCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=80, required=False, default="")
    parent = fields.row_id(  # type: ignore[assignment]  # a field, not Field.parent
        required=False, allow_null=True, default=None
    )
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    icon = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    position = fields.count(required=False)


class CategoryUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    slug = serializers.CharField(max_length=80, required=False)
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    icon = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CategoryMoveSerializer(serializers.Serializer):
    parent = fields.row_id(  # type: ignore[assignment]  # a field, not Field.parent
        allow_null=True, help_text="null: the top level."
    )
    position = fields.count(required=False)


class CategoryReorderSerializer(serializers.Serializer):
    parent = fields.row_id(  # type: ignore[assignment]  # a field, not Field.parent
        allow_null=True, help_text="null: the top level."
    )
    order = serializers.ListField(
        child=fields.row_id(), help_text="Every child id of the parent, in order."
    )


# Listing types


class ListingTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingType
        fields = ["id", "slug", "name", "names", "pricing", "process", "config", "position"]
        read_only_fields = fields


class ListingTypeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=80, required=False, default="")
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    pricing = serializers.ChoiceField(choices=ListingType.Pricing.choices)
    process = serializers.CharField(max_length=40)
    config = serializers.DictField(required=False)
    position = fields.count(required=False, default=0)


class ListingTypeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    pricing = serializers.ChoiceField(choices=ListingType.Pricing.choices, required=False)
    process = serializers.CharField(max_length=40, required=False)
    config = serializers.DictField(required=False)
    position = fields.count(required=False)


# Provider profiles

# Coordinates arrive with any precision; the service rounds them to the column's six decimals.


def _coordinate(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
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
    latitude = _coordinate("-90 to 90 (WGS 84).")
    longitude = _coordinate("-180 to 180 (WGS 84).")
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
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6, coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False)
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
        source="public_latitude",
        help_text="Rounded to 0.01° (about 1 km); the provider and staff see the exact value.",
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        coerce_to_string=False,
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


class ProviderSummarySerializer(serializers.ModelSerializer):
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ProviderProfile
        fields = [
            "id",
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


# Listings


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
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = TicketTier
        fields = [
            "id",
            "name",
            "description",
            "price_minor",
            "capacity",
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
    latitude = _coordinate("-90 to 90 (WGS 84).")
    longitude = _coordinate("-180 to 180 (WGS 84).")
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
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6, coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False)

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

    def get_provider(self, listing) -> dict:
        return {"id": listing.provider_id, "display_name": listing.provider.display_name}


class FeaturedSerializer(serializers.Serializer):
    featured = serializers.BooleanField()


# Availability


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


class DateRangeSerializer(serializers.Serializer):
    # "from" is a keyword: the field is named in the view through `source`.
    start = serializers.DateField()
    end = serializers.DateField()


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
    provider = ProviderSummarySerializer(read_only=True)
    listing = FavoriteListingSerializer(read_only=True)

    class Meta:
        model = Favorite
        fields = ["id", "provider", "listing", "created_at"]
        read_only_fields = fields
