"""The customer's dashboard, under /dashboard/ (URL names "dashboard-...")."""

from django.urls import path

from themes.pages.dashboard import account, bookings, inbox, reviews, tickets

urlpatterns = [
    path("", bookings.overview, name="dashboard"),
    path("bookings/", bookings.bookings_page, name="dashboard-bookings"),
    path("bookings/<int:booking_id>/", bookings.booking_detail, name="dashboard-booking"),
    path(
        "bookings/<int:booking_id>/cancel/",
        bookings.booking_cancel,
        name="dashboard-booking-cancel",
    ),
    path(
        "bookings/<int:booking_id>/steps/<slug:step>/",
        bookings.booking_step,
        name="dashboard-booking-step",
    ),
    path(
        "bookings/<int:booking_id>/tickets/",
        tickets.booking_tickets,
        name="dashboard-booking-tickets",
    ),
    path("bookings/<int:booking_id>/review/", reviews.review_write, name="dashboard-review"),
    path("reviews/", reviews.reviews, name="dashboard-reviews"),
    path("messages/", inbox.thread_list, name="dashboard-threads"),
    path("messages/<int:thread_id>/", inbox.thread_detail, name="dashboard-thread"),
    path("messages/<int:thread_id>/read/", inbox.thread_read, name="dashboard-thread-read"),
    path("favourites/", account.favourites, name="dashboard-favourites"),
    path("favourites/remove/", account.favourite_remove, name="dashboard-favourite-remove"),
    path("notifications/", account.notifications, name="dashboard-notifications"),
    path("notifications/read/", account.notifications_read, name="dashboard-notifications-read"),
    path("receipts/", account.receipts, name="dashboard-receipts"),
    path(
        "receipts/<int:receipt_id>/download/",
        account.receipt_download,
        name="dashboard-receipt-download",
    ),
]
