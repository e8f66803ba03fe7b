"""What a booking costs, computed by billing.money under the marketplace's fee policy and
frozen on the booking, so a later fee change never reprices it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.utils.translation import gettext as _

from billing.money import FeePolicy, Money, fee_breakdown
from bookings.models import Booking
from catalog.models import Listing
from config.errors import BusinessRuleViolation, InvalidInput
from tenants.db import connection
from tenants.models import Marketplace

MINUTES_PER_HOUR = 60
# Above any price a marketplace takes (bigint minor units); past it no price pays enough.
PRICE_CEILING_MINOR = 10**15


def fee_policy() -> FeePolicy:
    return FeePolicy.of(connection.tenant)


def price_fields(price: Money, policy: FeePolicy | None = None) -> dict[str, object]:
    """The booking fields that freeze ``price`` and its split."""
    policy = policy or fee_policy()
    split = fee_breakdown(price, policy)
    return {
        "currency": price.currency,
        "priced": True,
        "price_minor": split.price.amount_minor,
        "commission_minor": split.commission.amount_minor,
        "buyer_fee_minor": split.buyer_fee.amount_minor,
        "buyer_total_minor": split.buyer_total.amount_minor,
        "provider_payout_minor": split.provider_payout.amount_minor,
        "platform_total_minor": split.platform_total.amount_minor,
        "deposit_minor": split.deposit.amount_minor,
        "balance_minor": split.balance.amount_minor,
        "fee_policy": asdict(policy),
    }


def freeze_price(booking: Booking, price: Money) -> set[str]:
    fields = price_fields(price)
    for name, value in fields.items():
        setattr(booking, name, value)
    return set(fields)


def slot_price(listing: Listing, starts_at: datetime, ends_at: datetime) -> Money:
    """A date booking's price: the listing's price per event, or per started hour when the
    listing type's ``unit`` is ``hour``."""
    price = Money(listing.price_minor, listing.currency)
    if listing.listing_type.config.get("unit") != "hour":
        return price
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    hours = -(-minutes // MINUTES_PER_HOUR)
    return price.times(hours)


def quoted_price(value, currency: str) -> Money:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(
            _("A quote needs a positive whole price in minor units."),
            code="invalid_price",
            details={"price_minor": [_("A positive integer, in minor units.")]},
        )
    price = Money(value, currency)
    check_payout(price, field="price_minor")
    return price


def minimum_price(currency: str, policy: FeePolicy, floor_minor: int) -> Money | None:
    """The least price whose payout under ``policy`` is at least ``floor_minor``, or None
    when no price is enough (a 100 % commission). The payout never falls as the price rises,
    so a binary search finds it."""

    def pays(amount: int) -> bool:
        payout = fee_breakdown(Money(amount, currency), policy).provider_payout
        return payout.amount_minor >= floor_minor

    low, high = 0, PRICE_CEILING_MINOR
    if not pays(high):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        if pays(middle):
            high = middle
        else:
            low = middle
    return Money(high, currency)


def check_payout(price: Money, *, field: str) -> None:
    """Refuse (422 ``payout_too_low``) a price that leaves the provider less than the
    marketplace's minimum payout after its fee: never nothing. Every place a price is set
    (quotes, listing prices, packages, ticket tiers) asks here. A price of 0 is free of charge
    (a free ticket), not a sale, and passes."""
    if price.amount_minor == 0:
        return
    policy = fee_policy()
    # Read from the row, not the routing cache: a staff change applies to the next price.
    floor_minor = max(
        1,
        Marketplace.objects.values_list("minimum_payout_minor", flat=True).get(
            pk=connection.tenant.pk
        ),
    )
    if fee_breakdown(price, policy).provider_payout.amount_minor >= floor_minor:
        return
    floor = Money(floor_minor, price.currency)
    least = minimum_price(price.currency, policy, floor_minor)
    if least is None:
        message = _("No price leaves the provider %(floor)s after the marketplace's fee.") % {
            "floor": floor
        }
    else:
        message = _(
            "The price must be at least %(least)s: below it, the marketplace's fee leaves "
            "the provider less than %(floor)s."
        ) % {"least": least, "floor": floor}
    raise BusinessRuleViolation(
        message,
        code="payout_too_low",
        details={
            field: [message],
            "minimum_price_minor": least.amount_minor if least else None,
            "minimum_payout_minor": floor_minor,
        },
    )
