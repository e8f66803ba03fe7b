from django.urls import path, re_path

from bookings.api import fulfilment

urlpatterns = [
    path(
        "bookings/<int:booking_id>/tickets/",
        fulfilment.BookingTicketsView.as_view(),
        name="booking-tickets",
    ),
    path("tickets/<slug:code>/page/", fulfilment.TicketPageView.as_view(), name="ticket-page"),
    re_path(
        r"^tickets/(?P<code>[-\w]+)/qr\.(?P<kind>(?:png|svg))$",
        fulfilment.TicketQRView.as_view(),
        name="ticket-qr",
    ),
    path("check-in/", fulfilment.CheckInView.as_view(), name="ticket-check-in"),
    path(
        "listings/<int:listing_id>/ticket-metrics/",
        fulfilment.TicketMetricsView.as_view(),
        name="ticket-metrics",
    ),
    path(
        "bookings/<int:booking_id>/deliveries/",
        fulfilment.DeliveryListView.as_view(),
        name="booking-deliveries",
    ),
    path(
        "bookings/<int:booking_id>/deliveries/files/<int:file_id>/",
        fulfilment.DeliveryFileView.as_view(),
        name="booking-delivery-file",
    ),
]
