"""The provider's pages of the branded site, under /provider/."""

from django.urls import path

from themes.pages.provider import (
    bookings,
    calendar,
    home,
    inbox,
    listings,
    money,
    profile,
    streams,
)

urlpatterns = [
    path("", home.dashboard, name="provider-dashboard"),
    path("join/", home.join, name="provider-join"),
    path("online/", home.online, name="provider-online"),
    path("profile/", profile.profile_edit, name="provider-profile"),
    path("profile/media/", profile.media_upload, name="provider-media"),
    path("profile/media/<int:media_id>/", profile.media_change, name="provider-media-change"),
    path("calendar/", calendar.calendar, name="provider-calendar"),
    path("calendar/dates/", calendar.exception_add, name="provider-calendar-date"),
    path("calendar/dates/remove/", calendar.exception_remove, name="provider-calendar-remove"),
    path("listings/", listings.listing_index, name="provider-listings"),
    path("listings/new/", listings.listing_new, name="provider-listing-new"),
    path("listings/<int:listing_id>/", listings.listing_edit, name="provider-listing"),
    path(
        "listings/<int:listing_id>/status/",
        listings.listing_status,
        name="provider-listing-status",
    ),
    path(
        "listings/<int:listing_id>/media/",
        profile.media_upload,
        name="provider-listing-media",
    ),
    path(
        "listings/<int:listing_id>/media/<int:media_id>/",
        profile.media_change,
        name="provider-listing-media-change",
    ),
    path("bookings/", bookings.booking_index, name="provider-bookings"),
    path("bookings/<int:booking_id>/", bookings.booking_detail, name="provider-booking"),
    path(
        "bookings/<int:booking_id>/deliver/",
        bookings.booking_deliver,
        name="provider-booking-deliver",
    ),
    path(
        "bookings/<int:booking_id>/step/",
        bookings.booking_step,
        name="provider-booking-step",
    ),
    path("messages/<int:thread_id>/", inbox.thread_detail, name="provider-thread"),
    path("streams/", streams.stream_index, name="provider-streams"),
    path(
        "streams/<int:stream_id>/<slug:action>/",
        streams.stream_action,
        name="provider-stream-action",
    ),
    path("earnings/", money.earnings, name="provider-earnings"),
    path("earnings/withdraw/", money.withdraw, name="provider-withdraw"),
    path("earnings/payout-account/", money.payout_account, name="provider-payout-account"),
    path("earnings/stripe/", money.stripe_onboarding, name="provider-stripe"),
    path(
        "earnings/payouts/<str:reference>/cancel/",
        money.withdrawal_cancel,
        name="provider-withdrawal-cancel",
    ),
]
