"""The two unread counts a signed-in user sees everywhere (the badge of messages and of
notifications), in one statement: every socket reads them whenever either may have moved.

Each count means exactly what its own selector means (thread_unread_total,
notification_unread_count); tests hold them together."""

from __future__ import annotations

from functools import cache

from django.db import connection

from bookings.models import Message, Notification, Thread, ThreadReadMark


@cache  # made on first use, once the models are loaded
def _sql() -> str:
    message, thread, mark = (Message._meta.db_table, Thread._meta.db_table,
                             ThreadReadMark._meta.db_table)  # fmt: skip
    profile = Thread._meta.get_field("provider").related_model._meta.db_table
    notification = Notification._meta.db_table
    return f"""
        SELECT
          (SELECT count(*) FROM {notification}
           WHERE user_id = %(viewer)s AND read_at IS NULL),
          (SELECT count(*) FROM {message} m
           JOIN {thread} t ON t.id = m.thread_id
           JOIN {profile} p ON p.id = t.provider_id
           WHERE (t.customer_id = %(viewer)s OR p.user_id = %(viewer)s)
             AND m.sender_id <> %(viewer)s
             AND m.id > COALESCE((SELECT last_read_message_id FROM {mark} r
                                  WHERE r.thread_id = m.thread_id AND r.user_id = %(viewer)s), 0))
    """


def unread_counts(*, viewer) -> dict[str, int]:
    """``unread_notifications`` and ``unread_messages`` of ``viewer``."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"viewer": viewer.pk})
        notifications, messages = cursor.fetchone()
    return {"unread_notifications": notifications, "unread_messages": messages}
