from django.urls import path

from bookings.api import conversation

urlpatterns = [
    path("threads/", conversation.ThreadListView.as_view(), name="thread-list"),
    path("threads/unread/", conversation.ThreadUnreadView.as_view(), name="thread-unread"),
    path("threads/<int:thread_id>/", conversation.ThreadDetailView.as_view(), name="thread-detail"),
    path(
        "threads/<int:thread_id>/messages/",
        conversation.ThreadMessagesView.as_view(),
        name="thread-messages",
    ),
    path(
        "threads/<int:thread_id>/messages/<int:message_id>/attachment/",
        conversation.MessageAttachmentView.as_view(),
        name="thread-message-attachment",
    ),
    path(
        "threads/<int:thread_id>/read/", conversation.ThreadReadView.as_view(), name="thread-read"
    ),
    path(
        "bookings/<int:booking_id>/thread/",
        conversation.BookingThreadView.as_view(),
        name="booking-thread",
    ),
    path("notifications/", conversation.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/",
        conversation.NotificationUnreadCountView.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/read/",
        conversation.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
