"""The catalog's part of /api/v1/ (included by api/urls.py)."""

from django.urls import path

from catalog.api import favorites, listings, media, provider_profile, providers, search, taxonomy

urlpatterns = [
    # Taxonomy
    path("categories/", taxonomy.CategoryListView.as_view(), name="category-list"),
    path("categories/reorder/", taxonomy.CategoryReorderView.as_view(), name="category-reorder"),
    path(
        "categories/<int:category_id>/",
        taxonomy.CategoryDetailView.as_view(),
        name="category-detail",
    ),
    path(
        "categories/<int:category_id>/move/",
        taxonomy.CategoryMoveView.as_view(),
        name="category-move",
    ),
    path("listing-types/", taxonomy.ListingTypeListView.as_view(), name="listing-type-list"),
    path(
        "listing-types/<int:listing_type_id>/",
        taxonomy.ListingTypeDetailView.as_view(),
        name="listing-type-detail",
    ),
    # The logged-in provider
    path("provider-profile/", provider_profile.OwnProfileView.as_view(), name="provider-profile"),
    path(
        "provider-profile/online/",
        provider_profile.OwnOnlineView.as_view(),
        name="provider-profile-online",
    ),
    path(
        "provider-profile/listings/",
        provider_profile.OwnListingsView.as_view(),
        name="provider-profile-listings",
    ),
    path(
        "provider-profile/weekly-hours/",
        provider_profile.OwnWeeklyHoursView.as_view(),
        name="provider-profile-weekly-hours",
    ),
    path(
        "provider-profile/availability/",
        provider_profile.OwnAvailabilityView.as_view(),
        name="provider-profile-availability",
    ),
    # Public provider pages
    path(
        "providers/<int:provider_id>/",
        providers.ProviderDetailView.as_view(),
        name="provider-detail",
    ),
    path(
        "providers/<int:provider_id>/listings/",
        providers.ProviderListingsView.as_view(),
        name="provider-listings",
    ),
    path(
        "providers/<int:provider_id>/availability/",
        providers.ProviderAvailabilityView.as_view(),
        name="provider-availability",
    ),
    path(
        "providers/<int:provider_id>/badges/",
        providers.ProviderBadgesView.as_view(),
        name="provider-badges",
    ),
    path(
        "providers/<int:provider_id>/badges/<str:badge>/",
        providers.ProviderBadgeDetailView.as_view(),
        name="provider-badge-detail",
    ),
    path(
        "providers/<int:provider_id>/vouches/",
        providers.ProviderVouchesView.as_view(),
        name="provider-vouches",
    ),
    # Listings
    path("listings/", listings.ListingCreateView.as_view(), name="listing-create"),
    path("listings/<int:listing_id>/", listings.ListingDetailView.as_view(), name="listing-detail"),
    path(
        "listings/by-slug/<str:slug>/", listings.ListingBySlugView.as_view(), name="listing-by-slug"
    ),
    path(
        "listings/<int:listing_id>/publish/",
        listings.ListingPublishView.as_view(),
        name="listing-publish",
    ),
    path(
        "listings/<int:listing_id>/pause/",
        listings.ListingPauseView.as_view(),
        name="listing-pause",
    ),
    path(
        "listings/<int:listing_id>/archive/",
        listings.ListingArchiveView.as_view(),
        name="listing-archive",
    ),
    path(
        "listings/<int:listing_id>/feature/",
        listings.ListingFeatureView.as_view(),
        name="listing-feature",
    ),
    # Favorites
    path("favorites/", favorites.FavoriteListView.as_view(), name="favorite-list"),
    path(
        "favorites/providers/<int:target_id>/",
        favorites.FavoriteProviderView.as_view(),
        name="favorite-provider",
    ),
    path(
        "favorites/listings/<int:target_id>/",
        favorites.FavoriteListingView.as_view(),
        name="favorite-listing",
    ),
    # Search
    path("search/listings/", search.listings_search_view, name="search-listings"),
    path("search/providers/", search.providers_search_view, name="search-providers"),
    path("search/suggest/", search.suggest_view, name="search-suggest"),
    # Media
    path(
        "provider-profile/media/",
        media.ProfileMediaView.as_view(),
        name="profile-media",
    ),
    path(
        "provider-profile/media/<int:media_id>/",
        media.ProfileMediaItemView.as_view(),
        name="profile-media-item",
    ),
    path(
        "provider-profile/media/<int:media_id>/primary/",
        media.ProfileMediaPrimaryView.as_view(),
        name="profile-media-primary",
    ),
    path(
        "listings/<int:listing_id>/media/",
        media.ListingMediaView.as_view(),
        name="listing-media",
    ),
    path(
        "listings/<int:listing_id>/media/<int:media_id>/",
        media.ListingMediaItemView.as_view(),
        name="listing-media-item",
    ),
    path(
        "listings/<int:listing_id>/media/<int:media_id>/primary/",
        media.ListingMediaPrimaryView.as_view(),
        name="listing-media-primary",
    ),
]
