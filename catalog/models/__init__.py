from catalog.models.availability import AvailabilityEntry, WeeklyHours
from catalog.models.favorites import Favorite
from catalog.models.listings import Listing, ListingEvent, ListingPackage, TicketTier
from catalog.models.media import MediaItem
from catalog.models.providers import Badge, ProviderProfile, Vouch
from catalog.models.search import SearchWord
from catalog.models.taxonomy import Category, ListingType

__all__ = [
    "AvailabilityEntry",
    "Badge",
    "Category",
    "Favorite",
    "Listing",
    "ListingEvent",
    "ListingPackage",
    "ListingType",
    "MediaItem",
    "ProviderProfile",
    "SearchWord",
    "TicketTier",
    "Vouch",
    "WeeklyHours",
]
