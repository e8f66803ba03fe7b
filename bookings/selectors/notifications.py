"""Reads of the in-app notification feed."""

from __future__ import annotations

from django.db.models import QuerySet

from bookings.models import Notification
from tenants.db import connection


def notification_list(*, viewer) -> QuerySet:
    return Notification.objects.filter(user=viewer).order_by("-created_at", "-id")


def notification_unread_count(*, viewer) -> int:
    return Notification.objects.filter(user=viewer, read_at__isnull=True).count()


def notification_get(*, viewer, notification_id: int) -> Notification | None:
    """One entry of the viewer's feed (None if there is no such entry of theirs). A socket
    reads one for every notification it delivers: a statement, not a queryset to compile."""
    fields = Notification._meta.concrete_fields
    names = [field.attname for field in fields]
    with connection.prepared_cursor() as cursor:
        cursor.execute(
            _ENTRY.format(columns=", ".join(names), table=Notification._meta.db_table),
            [notification_id, viewer.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = [  # as the ORM converts them (``data`` comes as JSON text)
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, row, strict=True)
    ]
    return Notification.from_db(connection.alias, names, values)


_ENTRY = "SELECT {columns} FROM {table} WHERE id = %s AND user_id = %s"
