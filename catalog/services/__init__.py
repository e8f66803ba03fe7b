"""Catalog writes: categories, listing types, provider profiles, listings, availability,
favorites. Each is a keyword-only function; state changes take ``actor=``."""

from catalog.services.availability import (
    availability_delete_range,
    availability_upsert,
    check_date_range,
    weekly_hours_replace,
)
from catalog.services.categories import (
    category_create,
    category_delete,
    category_move,
    category_reorder,
    category_update,
)
from catalog.services.favorites import favorite_add, favorite_remove
from catalog.services.html import sanitise_html
from catalog.services.listing_types import listing_type_create, listing_type_update
from catalog.services.listings import (
    listing_archive,
    listing_create,
    listing_feature_set,
    listing_missing,
    listing_pause,
    listing_publish,
    listing_transition,
    listing_update,
)
from catalog.services.profiles import (
    profile_completeness_refresh,
    provider_badge_grant,
    provider_badge_revoke,
    provider_online_set,
    provider_profile_save,
    vouch_create,
)

__all__ = [
    "availability_delete_range",
    "availability_upsert",
    "category_create",
    "category_delete",
    "category_move",
    "category_reorder",
    "category_update",
    "check_date_range",
    "favorite_add",
    "favorite_remove",
    "listing_archive",
    "listing_create",
    "listing_feature_set",
    "listing_missing",
    "listing_pause",
    "listing_publish",
    "listing_transition",
    "listing_type_create",
    "listing_type_update",
    "listing_update",
    "profile_completeness_refresh",
    "provider_badge_grant",
    "provider_badge_revoke",
    "provider_online_set",
    "provider_profile_save",
    "sanitise_html",
    "vouch_create",
    "weekly_hours_replace",
]
