from django.urls import include, path

from bookings.api import bookings

urlpatterns = [
    path("bookings/", bookings.BookingListView.as_view(), name="booking-list"),
    path("bookings/<int:booking_id>/", bookings.BookingDetailView.as_view(), name="booking-detail"),
    path(
        "bookings/<int:booking_id>/events/",
        bookings.BookingEventListView.as_view(),
        name="booking-events",
    ),
    path(
        "bookings/<int:booking_id>/transitions/<slug:transition>/",
        bookings.BookingTransitionView.as_view(),
        name="booking-transition",
    ),
    path("", include("bookings.api.fulfilment_urls")),
    path("", include("bookings.api.conversation_urls")),
    path("", include("bookings.api.trust_urls")),
    path("", include("bookings.api.sessions_urls")),
]
