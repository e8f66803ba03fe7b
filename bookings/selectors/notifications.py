"""Reads of the in-app notification feed."""

from __future__ import annotations

from django.db.models import QuerySet

from bookings.models import Notification


def notification_list(*, viewer) -> QuerySet:
    return Notification.objects.filter(user=viewer).order_by("-created_at", "-id")


def notification_unread_count(*, viewer) -> int:
    return Notification.objects.filter(user=viewer, read_at__isnull=True).count()


def notification_get(*, viewer, notification_id: int) -> Notification | None:
    """One entry of the viewer's feed (None if there is no such entry of theirs). A socket
    reads one for every notification it delivers: a statement, not a queryset to compile."""
    table = Notification._meta.db_table
    found = Notification.objects.raw(
        f"SELECT * FROM {table} WHERE id = %s AND user_id = %s", [notification_id, viewer.pk]
    )
    return next(iter(found), None)
