from django.urls import path

from catalog import media_api

urlpatterns = [
    path(
        "provider-profile/media/",
        media_api.ProfileMediaView.as_view(),
        name="profile-media",
    ),
    path(
        "provider-profile/media/<int:media_id>/",
        media_api.ProfileMediaItemView.as_view(),
        name="profile-media-item",
    ),
    path(
        "provider-profile/media/<int:media_id>/primary/",
        media_api.ProfileMediaPrimaryView.as_view(),
        name="profile-media-primary",
    ),
    path(
        "listings/<int:listing_id>/media/",
        media_api.ListingMediaView.as_view(),
        name="listing-media",
    ),
    path(
        "listings/<int:listing_id>/media/<int:media_id>/",
        media_api.ListingMediaItemView.as_view(),
        name="listing-media-item",
    ),
    path(
        "listings/<int:listing_id>/media/<int:media_id>/primary/",
        media_api.ListingMediaPrimaryView.as_view(),
        name="listing-media-primary",
    ),
]
