"""What a ticket booking bought: its lines (a quantity of each tier) and its ticket holders."""

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


class TicketLine(models.Model):
    """A quantity of one tier in a ticket booking (an order may mix tiers, one line each).

    The line's share of the booking's frozen money is frozen with it: its price (quantity ×
    the tier's price then), and the buyer fee and the organiser's payout split across the
    lines in proportion to their prices (``Money.split``), so a tier's figures are sums of
    its lines and the lines of a booking sum exactly to the booking."""

    booking = models.ForeignKey(Booking, related_name="ticket_lines", on_delete=models.CASCADE)
    tier = models.ForeignKey(TicketTier, related_name="lines", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()
    price_minor = models.BigIntegerField()
    buyer_fee_minor = models.BigIntegerField(default=0)
    provider_payout_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "tier"], name="ticket_line_one_per_tier"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="ticket_line_quantity"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.tier_id}"
