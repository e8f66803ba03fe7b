"""Reads of the bookings engine; each owns its joins so lists run a constant number of queries."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bookings.models import Booking, BookingEvent
from catalog.services._common import is_staff
from config.errors import InvalidInput

BOOKING_JOINS = ("listing__listing_type", "provider", "customer", "package", "ticket_tier")
ROLES = ("customer", "provider")


def booking_list(*, viewer, role: str | None = None, state: str | None = None) -> QuerySet:
    """Bookings the viewer takes part in (as ``role`` if given); staff see all."""
    queryset = Booking.objects.select_related(*BOOKING_JOINS)
    if role is not None and role not in ROLES:
        raise InvalidInput(
            "role must be customer or provider.",
            code="invalid_filter",
            details={"role": ["customer or provider."]},
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


def booking_events(*, booking: Booking) -> QuerySet:
    return BookingEvent.objects.filter(booking=booking).order_by("created_at", "id")
