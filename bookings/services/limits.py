"""Anti-hoarding: what one customer may hold, own and start on a marketplace.

Three marketplace settings (tenants.Marketplace; 0 means no limit):

- ``customer_hold_limit``: unpaid bookings of one listing that hold something (a provider's
  time, tickets, limited stock) one customer may have open at once. A paid booking holds
  nothing any more: it is bought, not hoarded.
- ``customer_unit_limit``: tickets or units of limited stock of one listing one customer may
  hold or own, paid or not. Unlimited stock cannot be hoarded and is not counted.
- ``customer_booking_rate``: bookings one customer may make in any hour (a sliding window).

A booking is checked when it starts to hold: at creation, or when a date inquiry becomes a
request (the ``within_hold_limit`` guard), so re-holding through an inquiry counts too. The
customer's user row is locked first, so one customer's concurrent requests are counted one
after the other, and the limits are read from the marketplace's row, not from the per-process
routing cache, so a change applies to the next booking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from bookings.models import RELEASED_STATES, Booking, TicketLine
from bookings.services.transitions import Move, guard
from catalog.models import Listing, ListingType
from config.errors import BusinessRuleViolation, InvalidInput, RateLimited
from tenants.db import connection
from tenants.models import Marketplace, MarketplaceEvent

RATE_WINDOW = timedelta(hours=1)
# Bookings whose units the customer no longer holds or owns.
NOT_OWNED = (*RELEASED_STATES, "refunded")
# What holds something: the provider's time, tickets, or stock (products are counted only
# on listings with stock; a listing without has nothing to hold).
HOLDING = (
    Q(starts_at__isnull=False)
    | Q(Exists(TicketLine.objects.filter(booking=OuterRef("pk"))))
    | Q(process="product_order")
)
LIMIT_FIELDS = ("customer_hold_limit", "customer_unit_limit", "customer_booking_rate")
# The highest value staff may set for each (a PositiveSmallIntegerField holds the first).
LIMIT_MAXIMA = {
    "customer_hold_limit": 1000,
    "customer_unit_limit": 100_000,
    "customer_booking_rate": 100_000,
}


# Booking settings staff set beside the limits (the same service), with their ranges: how
# many days ahead a date booking may end (creation), and the least payout a price must leave
# a provider after the fee (billing.payouts.payout_check).
SETTING_RANGES = {
    **{field: (0, high) for field, high in LIMIT_MAXIMA.items()},
    "booking_horizon_days": (1, 3660),
    "minimum_payout_minor": (1, 10**12),
    # Deposit bookings' balances (bookings.services.balance_payments) and prepaid top-ups
    # (billing.services.top_ups).
    "balance_due_days": (0, 365),
    "balance_grace_hours": (1, 24 * 30),
    "top_up_minimum_minor": (1, 10**12),
    "top_up_maximum_minor": (1, 10**12),
}


class LimitChanges(TypedDict, total=False):
    customer_hold_limit: int
    customer_unit_limit: int
    customer_booking_rate: int
    booking_horizon_days: int
    minimum_payout_minor: int
    balance_due_days: int
    balance_grace_hours: int
    top_up_minimum_minor: int
    top_up_maximum_minor: int


@dataclass(frozen=True)
class Limits:
    hold: int
    unit: int
    rate: int


def current_limits() -> Limits:
    row = Marketplace.objects.filter(pk=connection.tenant.pk).values(*LIMIT_FIELDS).get()
    return Limits(
        hold=row["customer_hold_limit"],
        unit=row["customer_unit_limit"],
        rate=row["customer_booking_rate"],
    )


def lock_customer(customer_id: int) -> None:
    """Serialise one customer's bookings (in the caller's transaction)."""
    list(get_user_model().objects.select_for_update().filter(pk=customer_id).values_list("pk"))


def counts_units(listing: Listing) -> bool:
    pricing = listing.listing_type.pricing
    return pricing == ListingType.Pricing.TICKETS or (
        pricing == ListingType.Pricing.PRODUCT and listing.stock is not None
    )


def check_booking_rate(*, customer_id: int, limits: Limits, now: datetime) -> None:
    """Raise 429 ``throttled`` when the customer made ``limits.rate`` bookings in the last
    hour; ``retry_after`` is when the oldest of those leaves the window."""
    if not limits.rate:
        return
    recent = Booking.objects.filter(customer_id=customer_id, created_at__gt=now - RATE_WINDOW)
    oldest_counted = (
        recent.order_by("-created_at", "-pk").values_list("created_at", flat=True)[
            limits.rate - 1 : limits.rate
        ]
    ).first()
    if oldest_counted is None:
        return
    retry_after = max(1, math.ceil((oldest_counted + RATE_WINDOW - now).total_seconds()))
    raise RateLimited(
        _("You have made too many bookings; try again in %(retry_after)s seconds.")
        % {"retry_after": retry_after},
        code="throttled",
        details={"limit": limits.rate, "retry_after": retry_after},
    )


def check_holds(*, customer_id: int, listing: Listing, units: int, limits: Limits) -> None:
    """Raise 422 when one more holding booking of ``units`` would pass a limit. ``units`` is
    0 where the listing's units are not counted (time, unlimited stock). The booking being
    checked is not counted: it is new, or an inquiry (which holds nothing) being requested."""
    mine = Booking.objects.filter(customer_id=customer_id, listing_id=listing.pk)
    if limits.hold:
        open_holds = mine.filter(HOLDING, paid_minor=0).exclude(state__in=RELEASED_STATES).count()
        if open_holds >= limits.hold:
            raise BusinessRuleViolation(
                _(
                    "You already hold %(open_holds)s unpaid bookings of this listing; pay or "
                    "release one first."
                )
                % {"open_holds": open_holds},
                code="hold_limit",
                details={"limit": limits.hold, "open": open_holds},
            )
    if limits.unit and units:
        held = mine.exclude(state__in=NOT_OWNED).aggregate(held=Sum("quantity"))["held"] or 0
        if held + units > limits.unit:
            raise BusinessRuleViolation(
                _("One customer may have at most %(unit)s of this listing.")
                % {"unit": limits.unit},
                code="unit_limit",
                details={"limit": limits.unit, "held": held, "requested": units},
            )


@guard("within_hold_limit")
def _within_hold_limit(move: Move) -> None:
    booking = move.booking
    lock_customer(booking.customer_id)
    check_holds(
        customer_id=booking.customer_id,
        listing=booking.listing,
        units=booking.quantity if counts_units(booking.listing) else 0,
        limits=current_limits(),
    )


def record_limits_change(marketplace: Marketplace, *, actor, before: dict, after: dict) -> None:
    MarketplaceEvent.objects.create(
        marketplace=marketplace,
        marketplace_slug=marketplace.slug,
        action=MarketplaceEvent.Action.SETTINGS,
        actor=actor.email,
        data={"before": before, "after": after},
    )


def marketplace_limits_update(*, actor, changes: LimitChanges) -> Marketplace:
    """Staff set the marketplace's anti-hoarding limits (0 = no limit), booking horizon and
    minimum payout (SETTING_RANGES). No changes change nothing, as a PATCH of nothing."""
    require_staff(actor)
    if not changes:
        return Marketplace.objects.get(pk=connection.tenant.pk)
    errors = {
        field: [_("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        for field, value in changes.items()
        for low, high in [SETTING_RANGES.get(field, (0, -1))]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
    }
    if errors:
        raise InvalidInput(_("Some settings are not valid."), details=errors)
    with transaction.atomic():
        marketplace = Marketplace.objects.select_for_update().get(pk=connection.tenant.pk)
        before = {field: getattr(marketplace, field) for field in changes}
        for field, value in changes.items():
            setattr(marketplace, field, value)
        if marketplace.top_up_minimum_minor > marketplace.top_up_maximum_minor:
            raise InvalidInput(
                _("Some settings are not valid."),
                details={"top_up_minimum_minor": [_("Not more than the top-up maximum.")]},
            )
        marketplace.save(update_fields=[*changes, "updated_at"])
        record_limits_change(marketplace, actor=actor, before=before, after=dict(changes))
    return marketplace
