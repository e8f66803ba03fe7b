"""Reads of the in-app notification feed."""

from __future__ import annotations

from functools import cache

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
    fields, names, statement = _entry_read()
    with connection.prepared_cursor() as cursor:
        cursor.execute(statement, [notification_id, viewer.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [  # as the ORM converts them (``data`` comes as JSON text)
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, row, strict=True)
    ]
    return Notification.from_db(connection.alias, names, values)


@cache  # made on first use, once the models are loaded
def _entry_read() -> tuple[list, list[str], str]:
    """An entry's fields, their column names, and the statement reading them."""
    fields = list(Notification._meta.concrete_fields)
    names = [field.attname for field in fields]
    table = Notification._meta.db_table
    return fields, names, f"SELECT {', '.join(names)} FROM {table} WHERE id = %s AND user_id = %s"
