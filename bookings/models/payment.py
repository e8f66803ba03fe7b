"""Payments counted on bookings."""

from django.db import models

from bookings.models.booking import Booking


class BookingPayment(models.Model):
    """A payment billing reported for a booking (bookings.services.payments.booking_mark_paid).

    ``reference`` is the payment's id at billing. It is unique in the marketplace, so one
    payment is counted once: twice on its booking is a no-op, on another booking a refusal.
    """

    booking = models.ForeignKey(Booking, related_name="payments", on_delete=models.PROTECT)
    reference = models.CharField(max_length=255, unique=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="booking_payment_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.reference} → {self.booking_id}"
