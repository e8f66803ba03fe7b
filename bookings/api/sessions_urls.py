from django.urls import path

from bookings.api import sessions

urlpatterns = [
    path(
        "bookings/<int:booking_id>/session/",
        sessions.SessionMeterView.as_view(),
        name="booking-session",
    ),
    path(
        "bookings/<int:booking_id>/session/heartbeat/",
        sessions.SessionHeartbeatView.as_view(),
        name="booking-session-heartbeat",
    ),
    path("balance/", sessions.BalanceView.as_view(), name="prepaid-balance"),
]
