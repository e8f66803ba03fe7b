"""The bookings' part of /api/v1/ (included by api/urls.py)."""

from django.urls import path, re_path

from bookings.api import (
    bookings,
    deliveries,
    disputes,
    gifts,
    messages,
    notifications,
    payments,
    refunds,
    reviews,
    sessions,
    streams,
    tickets,
)

urlpatterns = [
    # Bookings
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
    path(
        "bookings/<int:booking_id>/payments/",
        payments.BookingPaymentView.as_view(),
        name="booking-payments",
    ),
    path(
        "bookings/<int:booking_id>/refunds/",
        refunds.BookingRefundView.as_view(),
        name="booking-refunds",
    ),
    # Tickets
    path(
        "bookings/<int:booking_id>/tickets/",
        tickets.BookingTicketsView.as_view(),
        name="booking-tickets",
    ),
    path("tickets/<slug:code>/page/", tickets.TicketPageView.as_view(), name="ticket-page"),
    path("tickets/<slug:code>/ticket.pdf", tickets.TicketPDFView.as_view(), name="ticket-pdf"),
    re_path(
        r"^tickets/(?P<code>[-\w]+)/qr\.(?P<kind>(?:png|svg))$",
        tickets.TicketQRView.as_view(),
        name="ticket-qr",
    ),
    path("check-in/", tickets.CheckInView.as_view(), name="ticket-check-in"),
    path(
        "listings/<int:listing_id>/ticket-metrics/",
        tickets.TicketMetricsView.as_view(),
        name="ticket-metrics",
    ),
    # Deliveries
    path(
        "bookings/<int:booking_id>/deliveries/",
        deliveries.DeliveryListView.as_view(),
        name="booking-deliveries",
    ),
    path(
        "bookings/<int:booking_id>/deliveries/files/<int:file_id>/",
        deliveries.DeliveryFileView.as_view(),
        name="booking-delivery-file",
    ),
    # Messages
    path("threads/", messages.ThreadListView.as_view(), name="thread-list"),
    path("threads/unread/", messages.ThreadUnreadView.as_view(), name="thread-unread"),
    path("threads/<int:thread_id>/", messages.ThreadDetailView.as_view(), name="thread-detail"),
    path(
        "threads/<int:thread_id>/messages/",
        messages.ThreadMessagesView.as_view(),
        name="thread-messages",
    ),
    path(
        "threads/<int:thread_id>/messages/<int:message_id>/attachment/",
        messages.MessageAttachmentView.as_view(),
        name="thread-message-attachment",
    ),
    path("threads/<int:thread_id>/read/", messages.ThreadReadView.as_view(), name="thread-read"),
    path(
        "bookings/<int:booking_id>/thread/",
        messages.BookingThreadView.as_view(),
        name="booking-thread",
    ),
    # Notifications
    path("notifications/", notifications.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/",
        notifications.NotificationUnreadCountView.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/read/",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    # Reviews
    path(
        "bookings/<int:booking_id>/reviews/",
        reviews.BookingReviewsView.as_view(),
        name="booking-reviews",
    ),
    path(
        "providers/<int:provider_id>/reviews/",
        reviews.ProviderReviewsView.as_view(),
        name="provider-reviews",
    ),
    path(
        "reviews/<int:review_id>/report/", reviews.ReviewReportView.as_view(), name="review-report"
    ),
    path("review-reports/", reviews.ReviewReportListView.as_view(), name="review-report-list"),
    path(
        "review-reports/<int:report_id>/decide/",
        reviews.ReviewReportDecideView.as_view(),
        name="review-report-decide",
    ),
    path(
        "review-reports/<int:report_id>/appeal/",
        reviews.ReviewReportAppealView.as_view(),
        name="review-report-appeal",
    ),
    path(
        "review-reports/<int:report_id>/decide-appeal/",
        reviews.ReviewReportDecideAppealView.as_view(),
        name="review-report-decide-appeal",
    ),
    # Disputes
    path(
        "bookings/<int:booking_id>/dispute/",
        disputes.BookingDisputeView.as_view(),
        name="booking-dispute",
    ),
    path(
        "bookings/<int:booking_id>/dispute/evidence/",
        disputes.DisputeEvidenceView.as_view(),
        name="dispute-evidence",
    ),
    path(
        "bookings/<int:booking_id>/dispute/evidence/<int:evidence_id>/file/",
        disputes.DisputeEvidenceFileView.as_view(),
        name="dispute-evidence-file",
    ),
    path(
        "bookings/<int:booking_id>/dispute/resolve/",
        disputes.DisputeResolveView.as_view(),
        name="dispute-resolve",
    ),
    path("disputes/", disputes.DisputeListView.as_view(), name="dispute-list"),
    # Sessions
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
    # Live streams and gifts
    path("streams/", streams.StreamListCreateView.as_view(), name="stream-list"),
    path("streams/mine/", streams.ProviderStreamListView.as_view(), name="stream-mine"),
    path(
        "streams/mine/<int:stream_id>/",
        streams.ProviderStreamDetailView.as_view(),
        name="stream-mine-detail",
    ),
    path(
        "streams/ingest/publish/", streams.IngestPublishView.as_view(), name="stream-ingest-publish"
    ),
    path(
        "streams/ingest/publish-done/",
        streams.IngestPublishDoneView.as_view(),
        name="stream-ingest-publish-done",
    ),
    path("streams/<int:stream_id>/", streams.StreamDetailView.as_view(), name="stream-detail"),
    path("streams/<int:stream_id>/start/", streams.StreamStartView.as_view(), name="stream-start"),
    path("streams/<int:stream_id>/end/", streams.StreamEndView.as_view(), name="stream-end"),
    path(
        "streams/<int:stream_id>/rotate-key/",
        streams.StreamKeyRotateView.as_view(),
        name="stream-rotate-key",
    ),
    path("streams/<int:stream_id>/join/", streams.StreamViewerView.as_view(), name="stream-join"),
    path(
        "streams/<int:stream_id>/leave/",
        streams.StreamViewerLeaveView.as_view(),
        name="stream-leave",
    ),
    path("streams/<int:stream_id>/gifts/", gifts.StreamGiftView.as_view(), name="stream-gifts"),
    path("gifts/", gifts.GiftListCreateView.as_view(), name="gift-list"),
    path("gifts/<int:gift_id>/", gifts.GiftDetailView.as_view(), name="gift-detail"),
]
