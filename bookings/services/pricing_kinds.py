"""The ways a listing is sold, as a table: ``PRICING_KINDS`` maps a listing type's pricing to
the kind that makes its part of a booking.

booking_create takes the common path (customer lock, rate limit, the listing, hold limits, the
process's first state, event and thread) and asks the kind, in this order:

1. ``check_quantity`` and ``check``: refuse what cannot be booked this way, locking the rows
   read for it (the package, the ticket tiers);
2. ``hold``: take what the booking holds — the provider's time (a slot, kept exclusive by the
   booking's database constraint when it is saved), tickets, stock — and set those fields;
3. ``price``: what it costs, frozen on the booking; None when a quote or the minutes price it
   later;
4. ``create_beside``: the rows made with the saved booking (attendees, a live session).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from billing.money import Money
from bookings.models import Attendee, Booking, LiveSession
from bookings.processes import Process
from bookings.services.inventory import listing_stock_hold, ticket_tier_hold
from bookings.services.pricing import slot_price
from bookings.services.sessions import session_request_check
from bookings.services.ticket_lines import (
    TicketChoice,
    ticket_lines_create,
    ticket_order_price,
    ticket_quantities,
    ticket_tiers_lock,
)
from bookings.services.transitions import arm_timer
from catalog.models import Listing, ListingPackage, ListingType
from catalog.selectors.availability import day_minutes, hhmm, provider_free_minutes
from config.errors import BusinessRuleViolation, InvalidInput, StateConflict
from tenants.db import connection
from tenants.models import Marketplace

if TYPE_CHECKING:
    from bookings.services.creation import BookingRequest

Pricing = ListingType.Pricing
MAX_TICKETS_PER_ORDER = 20
MAX_PRODUCTS_PER_ORDER = 100
# Date bookings, unless the listing type sets max_slot_hours.
MAX_SLOT_HOURS = 72
MIN_SLOT = timedelta(minutes=15)


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
        raise InvalidInput.of_field(
            _("The end must come after the start."), "ends_at", "invalid_slot"
        )
    if ends_at - starts_at < MIN_SLOT:
        raise InvalidInput.of_field(
            _("A booking lasts at least 15 minutes."), "ends_at", "invalid_slot"
        )
    if starts_at <= now:
        raise InvalidInput.of_field(
            _("The start must be in the future."), "starts_at", "slot_in_past"
        )
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


class PricingKind:
    """One kind's part in making one booking; see the module docstring for the order."""

    # The most units one order takes; a kind not sold by the unit takes exactly one.
    max_quantity = MAX_PRODUCTS_PER_ORDER
    by_the_unit = False
    # The step taken in the same transaction right after creation, if any.
    then: str | None = None

    def __init__(self, *, listing: Listing, request: BookingRequest, actor, now: datetime):
        self.listing, self.request, self.actor, self.now = listing, request, actor, now

    def check_quantity(self) -> None:
        quantity = self.request.quantity
        if not 1 <= quantity <= self.max_quantity:
            raise InvalidInput.of_field(
                _("That quantity cannot be ordered."), "quantity", "invalid_quantity"
            )
        if not self.by_the_unit and quantity != 1:
            raise InvalidInput.of_field(
                _("This listing is booked one at a time."), "quantity", "invalid_quantity"
            )

    def check(self) -> None:
        pass

    def hold(self, booking: Booking) -> None:
        pass

    def price(self) -> Money | None:
        return None

    def arm_timer(self, booking: Booking, process: Process) -> None:
        arm_timer(booking, process, self.now)

    def event_data(self) -> dict[str, Any]:
        """What the create event says beside its state."""
        return {}

    def create_beside(self, booking: Booking) -> None:
        pass


class DateSlot(PricingKind):
    """A provider's time, priced per event or per started hour. Created as an inquiry and, unless
    the customer only asks (``inquiry``), requested at once."""

    def check(self) -> None:
        _check_slot(self.listing, self.request.starts_at, self.request.ends_at, self.now)
        self.then = None if self.request.inquiry else "request"

    def hold(self, booking: Booking) -> None:
        booking.starts_at, booking.ends_at = self.request.starts_at, self.request.ends_at

    def price(self) -> Money:
        assert self.request.starts_at is not None and self.request.ends_at is not None  # check
        return slot_price(self.listing, self.request.starts_at, self.request.ends_at)

    def event_data(self) -> dict[str, Any]:
        # The provider hears of one request, not of an inquiry too.
        return {"then": self.then} if self.then else {}


class Quote(PricingKind):
    """Priced by the provider's quote; an event date is optional context, checked if given."""

    def check(self) -> None:
        if self.request.starts_at and self.request.ends_at:
            _check_slot(self.listing, self.request.starts_at, self.request.ends_at, self.now)

    def hold(self, booking: Booking) -> None:
        if self.request.starts_at and self.request.ends_at:
            booking.starts_at, booking.ends_at = self.request.starts_at, self.request.ends_at


class Packages(PricingKind):
    """One of a gig's packages, at its price and with its revisions."""

    package: ListingPackage

    def check(self) -> None:
        """The offered package, locked: an edit of the listing's packages then waits for this
        order and archives the package instead of deleting it (catalog replace_packages)."""
        # No package_id: pk=None matches no row, and the refusal below answers.
        package = (
            ListingPackage.objects.select_for_update()
            .filter(listing=self.listing, pk=self.request.package_id)  # type: ignore[misc]  # None: no row
            .first()
        )
        if package is None:
            raise InvalidInput.of_field(
                _("Choose one of this gig's packages."), "package_id", "invalid_package"
            )
        if package.archived_at is not None:
            raise InvalidInput.of_field(
                _("This package is no longer offered; choose one of the gig's current packages."),
                "package_id",
                "package_archived",
            )
        self.package = package

    def hold(self, booking: Booking) -> None:
        booking.package = self.package
        booking.revisions_allowed = self.package.revisions

    def price(self) -> Money:
        return Money(self.package.price_minor, self.listing.currency)


class Tickets(PricingKind):
    """Tickets of one or more of the event's tiers (bookings.services.ticket_lines), held from
    their capacities, with one attendee (and code) per ticket."""

    max_quantity = MAX_TICKETS_PER_ORDER
    by_the_unit = True
    wanted: dict[int, int]
    choices: list[TicketChoice]
    attendees: list[dict[str, str]]

    def check_quantity(self) -> None:
        self.wanted = ticket_quantities(self.request)
        total = sum(self.wanted.values())
        if not 1 <= total <= self.max_quantity:
            message = _("At most %(count)s tickets can be bought in one order.") % {
                "count": self.max_quantity
            }
            field_name = "tickets" if self.request.tickets else "quantity"
            raise InvalidInput.of_field(message, field_name, "invalid_quantity")
        self.total = total

    def check(self) -> None:
        self.choices = ticket_tiers_lock(listing=self.listing, wanted=self.wanted, now=self.now)
        if self.listing.starts_at and self.listing.starts_at <= self.now:
            raise StateConflict(_("This event has started."), code="event_started")
        self.attendees = self._attendees()

    def _attendees(self) -> list[dict[str, str]]:
        """One holder per ticket, in the order of the lines; the buyer when none is named."""
        request, customer = self.request, self.actor
        given = request.attendees or []
        if given and len(given) != self.total:
            raise InvalidInput.of_field(_("Name one attendee per ticket, or none."), "attendees")
        if not given:
            holder = {"name": customer.display_name or customer.email, "email": customer.email}
            return [holder] * self.total
        cleaned = []
        for item in given:
            name = str(item.get("name", "")).strip()[:120]
            if not name:
                raise InvalidInput.of_field(_("Every attendee needs a name."), "attendees")
            cleaned.append({"name": name, "email": str(item.get("email", "")).strip()[:254]})
        return cleaned

    def hold(self, booking: Booking) -> None:
        for choice in self.choices:
            ticket_tier_hold(tier=choice.tier, quantity=choice.quantity)
        booking.quantity = self.total

    def price(self) -> Money:
        return ticket_order_price(self.choices, self.listing.currency)

    def event_data(self) -> dict[str, Any]:
        return {"tickets": [{"tier_id": c.tier.pk, "quantity": c.quantity} for c in self.choices]}

    def create_beside(self, booking: Booking) -> None:
        ticket_lines_create(booking=booking, choices=self.choices)
        # Codes exist from the start; a ticket is valid only once its booking is issued.
        tiers = [choice.tier for choice in self.choices for _seat in range(choice.quantity)]
        Attendee.objects.bulk_create(
            Attendee(
                booking=booking,
                tier=tier,
                code=secrets.token_urlsafe(16),
                name=item["name"],
                email=item["email"],
            )
            for tier, item in zip(tiers, self.attendees, strict=True)
        )


class PerMinute(PricingKind):
    """A live session on one of the listing type's channels at the reader's rate, priced by
    the minutes it lasts. Asked of an offline reader (where allowed), it is a request for
    later."""

    rate_minor: int
    for_later: bool

    def check(self) -> None:
        channels = self.listing.listing_type.config.get("channels", [])
        channel = self.request.channel
        if channel not in channels:
            raise InvalidInput.of_field(
                _("Choose a channel: %(channels)s.") % {"channels": ", ".join(channels)},
                "channel",
                "invalid_channel",
            )
        assert channel is not None  # one of the listing type's channels
        rate = self.listing.provider.per_minute_rates.get(channel) or self.listing.price_minor
        if not rate:
            raise BusinessRuleViolation(
                _("This reader has no rate for that channel."), code="no_rate"
            )
        self.rate_minor = int(rate)
        self.for_later = session_request_check(self.listing)

    def arm_timer(self, booking: Booking, process: Process) -> None:
        super().arm_timer(booking, process)
        if self.for_later:
            # Asked of an offline reader: it waits for them, not for the minutes of a live ask.
            booking.timer_due_at, booking.timer_transition = None, ""

    def event_data(self) -> dict[str, Any]:
        return {"for_later": True} if self.for_later else {}

    def create_beside(self, booking: Booking) -> None:
        assert self.request.channel is not None  # check
        LiveSession.objects.create(
            booking=booking, channel=self.request.channel, rate_minor=self.rate_minor
        )


class Product(PricingKind):
    """Units of a product, held from the listing's stock (none: unlimited)."""

    by_the_unit = True

    def hold(self, booking: Booking) -> None:
        locked = Listing.objects.select_for_update().get(pk=self.listing.pk)
        listing_stock_hold(listing=locked, quantity=self.request.quantity)
        booking.quantity = self.request.quantity

    def price(self) -> Money:
        return Money(self.listing.price_minor, self.listing.currency).times(self.request.quantity)


PRICING_KINDS: dict[str, type[PricingKind]] = {
    Pricing.DATE_SLOT: DateSlot,
    Pricing.QUOTE: Quote,
    Pricing.PACKAGES: Packages,
    Pricing.TICKETS: Tickets,
    Pricing.PER_MINUTE: PerMinute,
    Pricing.PRODUCT: Product,
}
