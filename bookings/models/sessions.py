"""Metered live sessions."""

from django.db import models

from bookings.models.booking import Booking


class LiveSession(models.Model):
    """The meter of a per-minute session. Minutes come from server timestamps only."""

    class Channel(models.TextChoices):
        CHAT = "chat", "Chat"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video"

    class EndReason(models.TextChoices):
        CUSTOMER = "customer", "Ended by the customer"
        PROVIDER = "provider", "Ended by the provider"
        BALANCE = "balance", "Balance ran out"
        SILENCE = "silence", "No heartbeat"

    booking = models.OneToOneField(Booking, related_name="live_session", on_delete=models.CASCADE)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    rate_minor = models.BigIntegerField()
    started_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    billed_minutes = models.PositiveIntegerField(default=0)
    billed_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_minor__gt=0), name="session_rate"),
        ]

    def __str__(self):
        return f"{self.booking_id} {self.channel}"
