"""Held capacity: ticket tiers and product stock are taken under a row lock when a booking
is made and given back when it is released. The tier's CHECK (sold <= capacity) backs it."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from bookings.models import Booking
from catalog.models import Listing, TicketTier
from config.errors import StateConflict


def ticket_tier_hold(*, tier: TicketTier, quantity: int) -> None:
    """``tier`` must be locked by the caller."""
    if tier.capacity - tier.sold < quantity:
        raise StateConflict(
            _("Not enough tickets left in %(tier)s.") % {"tier": tier.name},
            code="sold_out",
            details={
                "tier_id": tier.pk,
                "remaining": tier.capacity - tier.sold,
                "requested": quantity,
            },
        )
    tier.sold += quantity
    tier.save(update_fields=["sold"])


def listing_stock_hold(*, listing: Listing, quantity: int) -> None:
    """``listing`` must be locked by the caller; no stock figure means unlimited."""
    if listing.stock is None:
        return
    if listing.stock < quantity:
        raise StateConflict(
            _("Not enough stock left."),
            code="out_of_stock",
            details={"remaining": listing.stock, "requested": quantity},
        )
    listing.stock -= quantity
    listing.save(update_fields=["stock"])


def booking_holds_release(*, booking: Booking) -> None:
    """Return what the booking held. Called once, on the move into a released state."""
    lines = booking.ticket_lines.order_by("tier_id").values_list("tier_id", "quantity")
    for tier_id, quantity in lines:  # in id order, as they were locked
        TicketTier.objects.filter(pk=tier_id).update(sold=F("sold") - quantity)
    if booking.listing.stock is not None and booking.process == "product_order":
        Listing.objects.filter(pk=booking.listing_id).update(stock=F("stock") + booking.quantity)
