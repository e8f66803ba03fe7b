"""The in-app notification feed."""

from django.conf import settings
from django.db import models

from bookings.models.booking import Booking


class Notification(models.Model):
    """An in-app notification; the same events also go out by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=40)
    booking = models.ForeignKey(
        Booking, null=True, blank=True, related_name="notifications", on_delete=models.CASCADE
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_recent"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user_id}"
