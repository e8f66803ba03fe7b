"""Ticket holders of event bookings."""

from django.conf import settings
from django.db import models

from bookings.models.booking import Booking
from catalog.models import TicketTier


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
