"""Making a booking: check the listing can be bought this way, take what it holds (time,
tickets, stock) under a lock or constraint, price it, and enter its process."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.money import Money
from bookings.models import RELEASED_STATES, Actor, Attendee, Booking, LiveSession, Thread
from bookings.processes import get_process
from bookings.services.inventory import listing_stock_hold, ticket_tier_hold
from bookings.services.limits import (
    check_booking_rate,
    check_holds,
    counts_units,
    current_limits,
    lock_customer,
)
from bookings.services.pricing import freeze_price, slot_price
from bookings.services.sessions import session_request_check
from bookings.services.transitions import apply_transition, arm_timer, record_event, save_holding
from catalog.models import Listing, ListingPackage, ListingType, TicketTier
from config.errors import BusinessRuleViolation, InvalidInput, NotFound, StateConflict
from tenants.db import connection
from tenants.models import Marketplace

Pricing = ListingType.Pricing
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_TICKETS_PER_ORDER = 20
MAX_PRODUCTS_PER_ORDER = 100
# Date bookings, unless the listing type sets max_slot_hours.
MAX_SLOT_HOURS = 72
MIN_SLOT = timedelta(minutes=15)


@dataclass
class BookingRequest:
    listing_id: int
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    package_id: int | None = None
    ticket_tier_id: int | None = None
    quantity: int = 1
    channel: str | None = None
    note: str = ""
    attendees: list[dict[str, str]] = field(default_factory=list)
    # Date bookings: stay an inquiry (a question, holding nothing) instead of a request.
    inquiry: bool = False


def booking_number_new() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(10))


def _bad(message: str, field_name: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, details={field_name: [message]})


def _check_slot(listing: Listing, starts_at, ends_at, now: datetime) -> None:
    """A date booking's slot: in the future, within the marketplace's horizon and the listing
    type's longest slot, and inside the provider's free time (catalog's calendar rule)."""
    if starts_at is None or ends_at is None:
        raise InvalidInput(
            _("A date booking needs a start and an end."),
            code="slot_required",
            details={"starts_at": [_("Required.")], "ends_at": [_("Required.")]},
        )
    if ends_at <= starts_at:
        raise _bad(_("The end must come after the start."), "ends_at", "invalid_slot")
    if ends_at - starts_at < MIN_SLOT:
        raise _bad(_("A booking lasts at least 15 minutes."), "ends_at", "invalid_slot")
    if starts_at <= now:
        raise _bad(_("The start must be in the future."), "starts_at", "slot_in_past")
    max_hours = listing.listing_type.config.get("max_slot_hours", MAX_SLOT_HOURS)
    if ends_at - starts_at > timedelta(hours=max_hours):
        raise BusinessRuleViolation(
            _("A booking of this listing lasts at most %(max_hours)s hours.")
            % {"max_hours": max_hours},
            code="slot_too_long",
            details={
                "ends_at": [
                    _("At most %(max_hours)s hours after starts_at.") % {"max_hours": max_hours}
                ],
                "max_slot_hours": max_hours,
            },
        )
    # Read from the row, not the routing cache: a staff change applies to the next booking.
    horizon = Marketplace.objects.values_list("booking_horizon_days", flat=True).get(
        pk=connection.tenant.pk
    )
    # Checked before the calendar is read: a date like 9999-12-31 has no day after it.
    if ends_at > now + timedelta(days=horizon):
        raise BusinessRuleViolation(
            _("Bookings can be made at most %(horizon)s days ahead.") % {"horizon": horizon},
            code="beyond_horizon",
            details={
                "ends_at": [_("At most %(horizon)s days from now.") % {"horizon": horizon}],
                "horizon_days": horizon,
            },
        )
    _check_available(listing.provider_id, starts_at, ends_at)


def _check_available(provider_id: int, starts_at: datetime, ends_at: datetime) -> None:
    """Each local day of the slot must lie inside one free range of that day. Other bookings
    are not counted here: the holding constraint refuses overlaps (save_holding)."""
    # Late: catalog.services imports the bookings processes, which import this module.
    from catalog.selectors import day_minutes, hhmm, provider_free_minutes

    zone = ZoneInfo(connection.tenant.time_zone)
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    calendar = provider_free_minutes(
        provider=provider_id,
        start=local_start.date(),
        end=local_end.date(),
        count_bookings=False,
    )
    for day, first, last in day_minutes(local_start, local_end, zone, local_end.date()):
        _blocked, free = calendar[day]
        if not any(start <= first and last <= end for start, end in free):
            raise StateConflict(
                _("The provider is not available on %(date)s from %(start)s to %(end)s.")
                % {"date": day.isoformat(), "start": hhmm(first), "end": hhmm(last)},
                code="provider_unavailable",
                details={
                    "date": day.isoformat(),
                    "start": hhmm(first),
                    "end": hhmm(last),
                    "available": [{"start": hhmm(s), "end": hhmm(e)} for s, e in free],
                },
            )


def _listing(listing_id: int) -> Listing:
    listing = (
        Listing.objects.select_related("listing_type", "provider")
        .filter(pk=listing_id, status=Listing.Status.PUBLISHED)
        .first()
    )
    if listing is None:
        raise NotFound(_("No such listing on sale."), code="listing_not_found")
    return listing


def _package(listing: Listing, package_id: int | None) -> ListingPackage:
    """The offered package, locked: an edit of the listing's packages then waits for this
    order and archives the package instead of deleting it (catalog replace_packages)."""
    # No package_id: pk=None matches no row, and the refusal below answers.
    package = (
        ListingPackage.objects.select_for_update()
        .filter(listing=listing, pk=package_id)  # type: ignore[misc]  # None: no row
        .first()
    )
    if package is None:
        raise _bad(_("Choose one of this gig's packages."), "package_id", "invalid_package")
    if package.archived_at is not None:
        raise _bad(
            _("This package is no longer offered; choose one of the gig's current packages."),
            "package_id",
            "package_archived",
        )
    return package


def _attendees(request: BookingRequest, customer) -> list[dict[str, str]]:
    given = request.attendees or []
    if given and len(given) != request.quantity:
        raise _bad(_("Name one attendee per ticket, or none."), "attendees")
    if not given:
        holder = {"name": customer.display_name or customer.email, "email": customer.email}
        return [holder] * request.quantity
    cleaned = []
    for item in given:
        name = str(item.get("name", "")).strip()[:120]
        if not name:
            raise _bad(_("Every attendee needs a name."), "attendees")
        cleaned.append({"name": name, "email": str(item.get("email", "")).strip()[:254]})
    return cleaned


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
        listing_type = listing.listing_type
        process = get_process(listing_type.process)
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
        pricing = listing_type.pricing
        if (
            not 1
            <= request.quantity
            <= (MAX_TICKETS_PER_ORDER if pricing == Pricing.TICKETS else MAX_PRODUCTS_PER_ORDER)
        ):
            raise _bad(_("That quantity cannot be ordered."), "quantity", "invalid_quantity")
        if pricing not in (Pricing.TICKETS, Pricing.PRODUCT) and request.quantity != 1:
            raise _bad(_("This listing is booked one at a time."), "quantity", "invalid_quantity")

        session = None
        for_later = False
        attendees: list[dict[str, str]] = []
        if pricing == Pricing.DATE_SLOT:
            _check_slot(listing, request.starts_at, request.ends_at, now)
            assert request.starts_at is not None and request.ends_at is not None  # _check_slot
            booking.starts_at, booking.ends_at = request.starts_at, request.ends_at
            freeze_price(booking, slot_price(listing, request.starts_at, request.ends_at))
        elif pricing == Pricing.QUOTE:
            # Priced by the provider's quote; an event date is optional context.
            if request.starts_at and request.ends_at:
                _check_slot(listing, request.starts_at, request.ends_at, now)
                booking.starts_at, booking.ends_at = request.starts_at, request.ends_at
        elif pricing == Pricing.PACKAGES:
            package = _package(listing, request.package_id)
            booking.package = package
            booking.revisions_allowed = package.revisions
            freeze_price(booking, Money(package.price_minor, listing.currency))
        elif pricing == Pricing.TICKETS:
            tier = (
                TicketTier.objects.select_for_update()
                .filter(pk=request.ticket_tier_id, listing=listing)  # type: ignore[misc]  # None: no row
                .first()
            )
            if tier is None:
                raise _bad(_("Choose one of this event's ticket tiers."), "ticket_tier_id")
            if (tier.sales_start and now < tier.sales_start) or (
                tier.sales_end and now > tier.sales_end
            ):
                raise StateConflict(_("Sales for this tier are closed."), code="sales_closed")
            if listing.starts_at and listing.starts_at <= now:
                raise StateConflict(_("This event has started."), code="event_started")
            attendees = _attendees(request, actor)
            ticket_tier_hold(tier=tier, quantity=request.quantity)
            booking.ticket_tier, booking.quantity = tier, request.quantity
            freeze_price(booking, Money(tier.price_minor, listing.currency).times(request.quantity))
        elif pricing == Pricing.PER_MINUTE:
            channels = listing_type.config.get("channels", [])
            if request.channel not in channels:
                raise _bad(
                    _("Choose a channel: %(channels)s.") % {"channels": ", ".join(channels)},
                    "channel",
                    "invalid_channel",
                )
            assert request.channel is not None  # one of the listing type's channels
            rate = listing.provider.per_minute_rates.get(request.channel) or listing.price_minor
            if not rate:
                raise BusinessRuleViolation(
                    _("This reader has no rate for that channel."), code="no_rate"
                )
            session = LiveSession(channel=request.channel, rate_minor=int(rate))
            for_later = session_request_check(listing)
        elif pricing == Pricing.PRODUCT:
            locked = Listing.objects.select_for_update().get(pk=listing.pk)
            listing_stock_hold(listing=locked, quantity=request.quantity)
            booking.quantity = request.quantity
            freeze_price(
                booking, Money(listing.price_minor, listing.currency).times(request.quantity)
            )
        else:  # pragma: no cover - the listing type's choices are closed
            raise BusinessRuleViolation(_("This listing cannot be booked."), code="not_bookable")

        units = booking.quantity if counts_units(listing) else 0
        # A date booking starts as an inquiry: its request's guard checks the holds.
        if booking.state not in RELEASED_STATES and (booking.starts_at or units):
            check_holds(customer_id=actor.pk, listing=listing, units=units, limits=limits)
        arm_timer(booking, process, now)
        if for_later:
            # Asked of an offline reader: it waits for them, not for the minutes of a live ask.
            booking.timer_due_at, booking.timer_transition = None, ""
        save_holding(booking)
        requests_now = pricing == Pricing.DATE_SLOT and not request.inquiry
        # A date request is created as an inquiry and requested at once: the event says so,
        # so the provider hears of one request, not of an inquiry too.
        record_event(
            booking,
            name="create",
            from_state="",
            role=Actor.CUSTOMER,
            actor=actor,
            data={"then": "request"} if requests_now else {"for_later": True} if for_later else {},
        )
        if session is not None:
            session.booking = booking
            session.save()
        if attendees:
            # Codes exist from the start; a ticket is valid only once its booking is issued.
            Attendee.objects.bulk_create(
                Attendee(
                    booking=booking,
                    tier=booking.ticket_tier,
                    code=secrets.token_urlsafe(16),
                    name=item["name"],
                    email=item["email"],
                )
                for item in attendees
            )
        Thread.objects.create(booking=booking, provider=listing.provider, customer=actor)
        if requests_now:
            apply_transition(booking, name="request", role=Actor.CUSTOMER, actor=actor, now=now)
    return booking
