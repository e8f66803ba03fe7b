"""Shapes of the catalog API: input serializers parse, output serializers present.

Rules (ranges that depend on data, currencies, type requirements) live in the services;
serializers only check types and obvious bounds. One module per feature; all are named here.
"""

from catalog.serializers.availability import (
    AvailabilityEntrySerializer,
    CalendarDaySerializer,
    CalendarSerializer,
    CalendarSlotSerializer,
    DateRangeSerializer,
    WeeklyHoursSerializer,
)
from catalog.serializers.favorites import (
    DeletedSerializer,
    FavoriteListingSerializer,
    FavoriteSerializer,
)
from catalog.serializers.listings import (
    FeaturedSerializer,
    ListingInputSerializer,
    ListingSerializer,
    PackageInputSerializer,
    PackageSerializer,
    TicketTierInputSerializer,
    TicketTierSerializer,
)
from catalog.serializers.providers import (
    BadgeSerializer,
    CategoryBriefSerializer,
    OnlineSerializer,
    ProfileInputSerializer,
    ProviderDetailSerializer,
    ProviderPublicSerializer,
    ProviderRefSerializer,
    ProviderSummarySerializer,
    VouchCountSerializer,
    VouchInputSerializer,
    VouchSerializer,
    provider_ref,
)
from catalog.serializers.taxonomy import (
    CategoryCreateSerializer,
    CategoryMoveSerializer,
    CategoryNodeSerializer,
    CategoryReorderSerializer,
    CategorySerializer,
    CategoryUpdateSerializer,
    ListingTypeCreateSerializer,
    ListingTypeSerializer,
    ListingTypeUpdateSerializer,
)

__all__ = [
    "AvailabilityEntrySerializer",
    "BadgeSerializer",
    "CalendarDaySerializer",
    "CalendarSerializer",
    "CalendarSlotSerializer",
    "CategoryBriefSerializer",
    "CategoryCreateSerializer",
    "CategoryMoveSerializer",
    "CategoryNodeSerializer",
    "CategoryReorderSerializer",
    "CategorySerializer",
    "CategoryUpdateSerializer",
    "DateRangeSerializer",
    "DeletedSerializer",
    "FavoriteListingSerializer",
    "FavoriteSerializer",
    "FeaturedSerializer",
    "ListingInputSerializer",
    "ListingSerializer",
    "ListingTypeCreateSerializer",
    "ListingTypeSerializer",
    "ListingTypeUpdateSerializer",
    "OnlineSerializer",
    "PackageInputSerializer",
    "PackageSerializer",
    "ProfileInputSerializer",
    "ProviderDetailSerializer",
    "ProviderPublicSerializer",
    "ProviderRefSerializer",
    "ProviderSummarySerializer",
    "TicketTierInputSerializer",
    "TicketTierSerializer",
    "VouchCountSerializer",
    "VouchInputSerializer",
    "VouchSerializer",
    "WeeklyHoursSerializer",
    "provider_ref",
]
