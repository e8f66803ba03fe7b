"""The lines of a ticket order: which of an event's tiers, and how many tickets of each.

An order names its tiers as ``tickets`` ([{"tier_id": 3, "quantity": 2}, …], each tier once),
or one tier as ``ticket_tier_id`` with ``quantity`` (the API's first form, still accepted). The
tiers are locked in id order, so two orders of the same tiers never wait on each other in a
cycle; each line's share of the booking's frozen money is frozen on it (``TicketLine``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from billing.money import Money
from bookings.models import Booking, TicketLine
from catalog.models import Listing, TicketTier
from config.errors import InvalidInput, StateConflict

if TYPE_CHECKING:
    from bookings.services.creation import BookingRequest


@dataclass(frozen=True)
class TicketChoice:
    tier: TicketTier
    quantity: int


def ticket_quantities(request: BookingRequest) -> dict[int, int]:
    """The tiers asked for and how many of each, in the order given."""
    if request.tickets and request.ticket_tier_id is not None:
        raise InvalidInput.of_field(
            _("Give either tickets or ticket_tier_id, not both."), "tickets"
        )
    if not request.tickets:
        if request.ticket_tier_id is None:
            raise InvalidInput.of_field(
                _("Choose one of this event's ticket tiers."), "ticket_tier_id"
            )
        return {request.ticket_tier_id: request.quantity}
    wanted: dict[int, int] = {}
    for item in request.tickets:
        tier_id, quantity = item["tier_id"], item["quantity"]
        if tier_id in wanted:
            raise InvalidInput.of_field(_("Name each ticket tier once."), "tickets")
        if quantity < 1:
            raise InvalidInput.of_field(
                _("That quantity cannot be ordered."), "tickets", "invalid_quantity"
            )
        wanted[tier_id] = quantity
    return wanted


def ticket_tiers_lock(
    *, listing: Listing, wanted: dict[int, int], now: datetime
) -> list[TicketChoice]:
    """The tiers of ``wanted``, locked, each on sale now; refused as a whole otherwise."""
    field_name = "tickets" if len(wanted) > 1 else "ticket_tier_id"
    tiers = {
        tier.pk: tier
        for tier in TicketTier.objects.select_for_update()
        .filter(pk__in=list(wanted), listing=listing)
        .order_by("pk")
    }
    if len(tiers) != len(wanted):
        raise InvalidInput.of_field(_("Choose one of this event's ticket tiers."), field_name)
    for tier in tiers.values():
        if (tier.sales_start and now < tier.sales_start) or (
            tier.sales_end and now > tier.sales_end
        ):
            raise StateConflict(
                _("Sales for this tier are closed."),
                code="sales_closed",
                details={"tier_id": tier.pk, "tier": tier.name},
            )
    return [TicketChoice(tiers[tier_id], quantity) for tier_id, quantity in wanted.items()]


def ticket_order_price(choices: list[TicketChoice], currency: str) -> Money:
    total = Money.zero(currency)
    for choice in choices:
        total += Money(choice.tier.price_minor, currency).times(choice.quantity)
    return total


def ticket_lines_create(*, booking: Booking, choices: list[TicketChoice]) -> list[TicketLine]:
    """One line per tier, with its part of the booking's frozen buyer fee and payout."""
    currency = booking.currency
    prices = [choice.tier.price_minor * choice.quantity for choice in choices]
    # Free tickets carry no fee; were every price zero, split by the number of tickets.
    weights = prices if any(prices) else [choice.quantity for choice in choices]
    fees = Money(booking.buyer_fee_minor, currency).split(weights)
    payouts = Money(booking.provider_payout_minor, currency).split(weights)
    return TicketLine.objects.bulk_create(
        TicketLine(
            booking=booking,
            tier=choice.tier,
            quantity=choice.quantity,
            unit_price_minor=choice.tier.price_minor,
            price_minor=price,
            buyer_fee_minor=fee.amount_minor,
            provider_payout_minor=payout.amount_minor,
        )
        for choice, price, fee, payout in zip(choices, prices, fees, payouts, strict=True)
    )
