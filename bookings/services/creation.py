"""Making a booking: check the listing can be bought this way, take what it holds (time,
tickets, stock) under a lock or constraint, price it, and enter its process. What differs by
the listing type's pricing is one entry of bookings.services.pricing_kinds.PRICING_KINDS."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import RELEASED_STATES, Actor, Booking, Thread
from bookings.processes import get_process
from bookings.services.limits import (
    Limits,
    check_booking_rate,
    check_holds,
    counts_units,
    current_limits,
    lock_customer,
)
from bookings.services.pricing import freeze_price
from bookings.services.pricing_kinds import PRICING_KINDS
from bookings.services.transitions import apply_transition, record_event, save_holding
from catalog.models import Listing
from config.errors import BusinessRuleViolation, NotFound

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class BookingRequest:
    listing_id: int
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    package_id: int | None = None
    ticket_tier_id: int | None = None
    quantity: int = 1
    # Tickets of several tiers: [{"tier_id": …, "quantity": …}, …] (bookings.services.ticket_lines).
    tickets: list[dict[str, int]] = field(default_factory=list)
    channel: str | None = None
    note: str = ""
    attendees: list[dict[str, str]] = field(default_factory=list)
    # Date bookings: stay an inquiry (a question, holding nothing) instead of a request.
    inquiry: bool = False


def booking_number_new() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(10))


def _listing(listing_id: int) -> Listing:
    listing = (
        Listing.objects.select_related("listing_type", "provider")
        .filter(pk=listing_id, status=Listing.Status.PUBLISHED)
        .first()
    )
    if listing is None:
        raise NotFound(_("No such listing on sale."), code="listing_not_found")
    return listing


def _check_limits(booking: Booking, listing: Listing, limits: Limits) -> None:
    units = booking.quantity if counts_units(listing) else 0
    # A date booking starts as an inquiry: its request's guard checks the holds.
    if booking.state not in RELEASED_STATES and (booking.starts_at or units):
        check_holds(customer_id=booking.customer_id, listing=listing, units=units, limits=limits)


def booking_create(*, actor, request: BookingRequest) -> Booking:
    """Make a booking of a published listing as its customer; see BookingRequest."""
    if not actor.is_authenticated:
        raise NotFound(_("No such listing on sale."), code="listing_not_found")
    now = timezone.now()
    with transaction.atomic():
        # Anti-hoarding: one customer's bookings are made one after the other.
        lock_customer(actor.pk)
        limits = current_limits()
        check_booking_rate(customer_id=actor.pk, limits=limits, now=now)
        listing = _listing(request.listing_id)
        if listing.provider.user_id == actor.pk:
            raise BusinessRuleViolation(_("You cannot book your own listing."), code="own_listing")
        kind_class = PRICING_KINDS.get(listing.listing_type.pricing)
        if kind_class is None:  # pragma: no cover - the listing type's choices are closed
            raise BusinessRuleViolation(_("This listing cannot be booked."), code="not_bookable")
        kind = kind_class(listing=listing, request=request, actor=actor, now=now)
        process = get_process(listing.listing_type.process)
        booking = Booking(
            number=booking_number_new(),
            process=process.name,
            state=process.initial,
            state_entered_at=now,
            listing=listing,
            provider=listing.provider,
            customer=actor,
            currency=listing.currency,
            note=request.note.strip()[:4000],
        )
        kind.check_quantity()
        kind.check()
        kind.hold(booking)
        price = kind.price()
        if price is not None:
            freeze_price(booking, price)
        _check_limits(booking, listing, limits)
        kind.arm_timer(booking, process)
        save_holding(booking)
        record_event(
            booking,
            name="create",
            from_state="",
            role=Actor.CUSTOMER,
            actor=actor,
            data=kind.event_data(),
        )
        kind.create_beside(booking)
        Thread.objects.create(booking=booking, provider=listing.provider, customer=actor)
        if kind.then:
            apply_transition(booking, name=kind.then, role=Actor.CUSTOMER, actor=actor, now=now)
    return booking
