"""What bookings produce: ticket holders, gig deliveries and metered live sessions."""

from django.conf import settings
from django.db import models

from bookings.models.booking import Booking
from catalog.models import TicketTier
from tenants.storage import private_storage


class Attendee(models.Model):
    """One issued ticket: its holder, its unique code (printed as a QR image) and its check-in."""

    booking = models.ForeignKey(Booking, related_name="attendees", on_delete=models.CASCADE)
    tier = models.ForeignKey(TicketTier, related_name="attendees", on_delete=models.PROTECT)
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["tier", "checked_in_at"], name="attendee_tier_checkin")]

    def __str__(self):
        return f"{self.name} ({self.code})"


def delivery_upload_to(instance, filename: str) -> str:
    # The storage prefixes every name with the marketplace's schema (see catalog.media).
    return f"deliveries/{instance.delivery.booking_id}/{filename}"


class Delivery(models.Model):
    """A provider's delivery of an order: a message and files. Revisions follow as new ones."""

    booking = models.ForeignKey(Booking, related_name="deliveries", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField()
    message = models.TextField(blank=True)
    late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "number"], name="delivery_number_unique")
        ]

    def __str__(self):
        return f"{self.booking_id} delivery {self.number}"


class DeliveryFile(models.Model):
    delivery = models.ForeignKey(Delivery, related_name="files", on_delete=models.CASCADE)
    file = models.FileField(upload_to=delivery_upload_to, max_length=300, storage=private_storage)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


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
