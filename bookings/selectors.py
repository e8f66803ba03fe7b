"""Reads of the bookings engine; each owns its joins so lists run a constant number of queries."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from bookings.models import Booking, BookingEvent
from catalog.models import TicketTier
from config.errors import InvalidInput

# A ticket booking has sold its seats once paid for ("paid" is only passed through on the way
# to "issued", and counts all the same); before that (reserved) it holds them.
TICKETS_SOLD_STATES = ("paid", "issued")

BOOKING_JOINS = ("listing__listing_type", "provider", "customer", "package", "ticket_tier")
ROLES = ("customer", "provider")


def booking_list(*, viewer, role: str | None = None, state: str | None = None) -> QuerySet:
    """Bookings the viewer takes part in (as ``role`` if given); staff see all."""
    queryset = Booking.objects.select_related(*BOOKING_JOINS)
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


def booking_events(*, booking: Booking) -> QuerySet:
    return BookingEvent.objects.filter(booking=booking).order_by("created_at", "id")


def ticket_tiers_counted(queryset: QuerySet[TicketTier]) -> QuerySet[TicketTier]:
    """The one definition of a tier's figures, for the listing page and the organiser's alike.

    ``TicketTier.sold`` is the counter of seats *taken* (held or sold), raised when a booking
    reserves and lowered when it is released; the capacity CHECK guards it. Each tier gets
    ``sold_count`` (seats of bookings paid for) and ``held_count`` (taken, not yet paid), so
    that held + sold + remaining (``TicketTier.remaining``) is the capacity."""
    sold = Coalesce(Sum("bookings__quantity", filter=Q(bookings__state__in=TICKETS_SOLD_STATES)), 0)
    return queryset.annotate(sold_count=sold).annotate(held_count=F("sold") - F("sold_count"))
