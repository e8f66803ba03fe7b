"""The two unread counts a signed-in user sees everywhere (the badge of messages and of
notifications), in one statement: every socket reads them whenever either may have moved.

Each count means exactly what its own selector means (thread_unread_total,
notification_unread_count); tests hold them together."""

from __future__ import annotations

from functools import cache

from bookings.models import Message, Notification, Thread, ThreadReadMark
from tenants.db import connection


@cache  # made on first use, once the models are loaded
def _sql() -> str:
    message, thread, mark = (Message._meta.db_table, Thread._meta.db_table,
                             ThreadReadMark._meta.db_table)  # fmt: skip
    profile = Thread._meta.get_field("provider").related_model._meta.db_table
    notification = Notification._meta.db_table
    # The viewer's threads through the indexes on their two parties (an OR across the join
    # with the provider's profile read every thread of the marketplace), then each thread's
    # messages past the viewer's mark through (thread_id, id): the work grows with the
    # viewer's threads and unread messages, not with the marketplace.
    return f"""
        SELECT
          (SELECT count(*) FROM {notification}
           WHERE user_id = %(viewer)s AND read_at IS NULL)::int,
          (SELECT COALESCE(sum(
             (SELECT count(*) FROM {message} m
              WHERE m.thread_id = t.id AND m.id > COALESCE(r.last_read_message_id, 0)
                AND m.sender_id <> %(viewer)s)), 0)::int
           FROM {thread} t
           LEFT JOIN {mark} r ON r.thread_id = t.id AND r.user_id = %(viewer)s
           WHERE t.customer_id = %(viewer)s
              OR t.provider_id = (SELECT id FROM {profile} WHERE user_id = %(viewer)s))
    """


def unread_counts(*, viewer) -> dict[str, int]:
    """``unread_notifications`` and ``unread_messages`` of ``viewer``."""
    with connection.prepared_cursor() as cursor:
        cursor.execute(_sql(), {"viewer": viewer.pk})
        notifications, messages = cursor.fetchone()
    return {"unread_notifications": notifications, "unread_messages": messages}
