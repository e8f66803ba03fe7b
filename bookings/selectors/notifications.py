"""Reads of the in-app notification feed."""

from __future__ import annotations

from django.db.models import QuerySet

from bookings.models import Notification


def notification_list(*, viewer) -> QuerySet:
    return Notification.objects.filter(user=viewer).order_by("-created_at", "-id")


def notification_unread_count(*, viewer) -> int:
    return Notification.objects.filter(user=viewer, read_at__isnull=True).count()
