"""Disputes of paid bookings and their evidence."""

from django.conf import settings
from django.db import models

from bookings.models.booking import Booking
from tenants.storage import private_storage


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Resolution(models.TextChoices):
        RELEASE = "release", "Release to the provider"
        PARTIAL_REFUND = "partial_refund", "Partial refund"
        FULL_REFUND = "full_refund", "Full refund"

    booking = models.OneToOneField(Booking, related_name="dispute", on_delete=models.CASCADE)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    opened_by_side = models.CharField(max_length=10)
    # The state the booking was in when the dispute opened.
    from_state = models.CharField(max_length=30)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    refund_minor = models.BigIntegerField(default=0)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_minor__gte=0), name="dispute_refund_not_negative"
            )
        ]

    def __str__(self):
        return f"dispute {self.pk} on {self.booking_id}"


def evidence_upload_to(instance, filename: str) -> str:
    return f"disputes/{instance.dispute_id}/{filename}"


class DisputeEvidence(models.Model):
    dispute = models.ForeignKey(Dispute, related_name="evidence", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    text = models.TextField(blank=True)
    file = models.FileField(
        upload_to=evidence_upload_to, max_length=300, blank=True, storage=private_storage
    )
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    file_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"evidence {self.pk} in dispute {self.dispute_id}"
