"""What a cancellation gives back: the one rule the ``cancel`` step applies
(bookings.services.effects.apply_cancellation_rules) and the preview a customer reads before
confirming, so the two can never disagree."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from billing.money import Money
from bookings.models import Actor, Booking

# Cancellation rules when a listing type's config has no "cancellation" entry: a customer
# who cancels at least 14 days ahead gets everything back, at least 72 hours ahead half,
# later nothing; a provider or staff cancellation refunds everything.
DEFAULT_CANCELLATION = {"full_refund_hours": 336, "partial_refund_hours": 72, "partial_bps": 5000}


def cancellation_refund_minor(*, booking: Booking, by_customer: bool, now: datetime) -> int:
    """The part of what was paid that a cancellation at ``now`` refunds (minor units)."""
    paid = booking.paid_minor
    if not (by_customer and paid and booking.starts_at):
        return paid
    rules = {**DEFAULT_CANCELLATION, **booking.listing.listing_type.config.get("cancellation", {})}
    notice = booking.starts_at - now
    if notice >= timedelta(hours=rules["full_refund_hours"]):
        return paid
    if notice >= timedelta(hours=rules["partial_refund_hours"]):
        return Money(paid, booking.currency).share_bps(rules["partial_bps"]).amount_minor
    return 0


def cancellation_refund_preview(
    *, booking: Booking, role: str, now: datetime | None = None
) -> Money:
    """What cancelling now, as ``role`` (the viewer's part in the booking), would give back."""
    refund = cancellation_refund_minor(
        booking=booking, by_customer=role == Actor.CUSTOMER, now=now or timezone.now()
    )
    return Money(refund, booking.currency)
