"""Reads of bookings: who someone is in a booking, the viewer's bookings and one of them,
its history, and its money as the viewer's side sees it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from bookings.models import Actor, Booking, BookingEvent, TicketLine
from config.errors import InvalidInput, NotFound

BOOKING_JOINS = ("listing__listing_type", "provider", "customer", "package")
ROLES = ("customer", "provider")
# A booking's money in the order the API shows it; due_minor is worked out (booking_amount_due).
MONEY_FIELDS = (
    "currency",
    "priced",
    "price_minor",
    "commission_minor",
    "buyer_fee_minor",
    "buyer_total_minor",
    "provider_payout_minor",
    "platform_total_minor",
    "deposit_minor",
    "balance_minor",
    "paid_minor",
    "due_minor",
    "cancellation_refund_minor",
)
# What each side does not see of a booking's money: a customer sees what they pay, a provider
# what they earn; staff see the whole split.
HIDDEN_MONEY = {
    "customer": ("commission_minor", "provider_payout_minor", "platform_total_minor"),
    "provider": ("buyer_fee_minor", "platform_total_minor"),
}


def party_role(viewer, *, customer_id: int, provider_user_id: int) -> str | None:
    """Who someone is in a booking or a conversation (both have one customer and one
    provider): customer, provider or staff; None for anyone else (and for the anonymous)."""
    if viewer is None or not viewer.is_authenticated:
        return None
    if viewer.pk == customer_id:
        return Actor.CUSTOMER
    if viewer.pk == provider_user_id:
        return Actor.PROVIDER
    if is_staff(viewer):
        return Actor.STAFF
    return None


def booking_role_get(*, booking: Booking, viewer) -> str | None:
    """The viewer's part in this booking, or None when it is none of their business."""
    return party_role(
        viewer, customer_id=booking.customer_id, provider_user_id=booking.provider.user_id
    )


def booking_get(*, viewer, booking_id: int, lock: bool = False) -> tuple[Booking, str]:
    """The booking and the viewer's role in it; 404 for anyone who is not a party or staff.

    ``lock``: row-locked in the caller's transaction, for a service about to change it."""
    queryset = Booking.objects.select_related("provider", "listing__listing_type")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    booking = queryset.filter(pk=booking_id).first()
    role = booking_role_get(booking=booking, viewer=viewer) if booking else None
    if booking is None or role is None:
        raise NotFound(_("No such booking."), code="booking_not_found")
    return booking, role


def booking_list(*, viewer, role: str | None = None, state: str | None = None) -> QuerySet:
    """Bookings the viewer takes part in (as ``role`` if given); staff see all."""
    queryset = Booking.objects.select_related(*BOOKING_JOINS).prefetch_related(
        Prefetch("ticket_lines", queryset=TicketLine.objects.select_related("tier"))
    )
    if role is not None and role not in ROLES:
        raise InvalidInput(
            _("role must be customer or provider."),
            code="invalid_filter",
            details={"role": [_("customer or provider.")]},
        )
    if role == "customer":
        queryset = queryset.filter(customer=viewer)
    elif role == "provider":
        queryset = queryset.filter(provider__user=viewer)
    elif not is_staff(viewer):
        queryset = queryset.filter(Q(customer=viewer) | Q(provider__user=viewer))
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-created_at", "-id")


def booking_event_list(*, booking: Booking) -> QuerySet:
    return BookingEvent.objects.filter(booking=booking).order_by("created_at", "id")


def booking_amount_due(booking: Booking) -> int:
    """What the customer still owes: the buyer's total less what was paid (0 when unpriced)."""
    return max(booking.buyer_total_minor - booking.paid_minor, 0) if booking.priced else 0


def booking_money_visible(*, booking: Booking, viewer) -> dict[str, Any]:
    """The booking's frozen split as the viewer's side sees it (see HIDDEN_MONEY); anyone
    without a role in the booking sees what a customer sees."""
    hidden = HIDDEN_MONEY.get(booking_role_get(booking=booking, viewer=viewer) or "customer", ())
    return {
        name: booking_amount_due(booking) if name == "due_minor" else getattr(booking, name)
        for name in MONEY_FIELDS
        if name not in hidden
    }
