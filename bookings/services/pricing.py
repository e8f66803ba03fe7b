"""What a booking costs, computed by billing.money under the marketplace's fee policy and
frozen on the booking, so a later fee change never reprices it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.utils.translation import gettext as _

from billing.money import FeePolicy, Money, fee_breakdown
from billing.payouts import payout_check
from bookings.models import Booking
from catalog.models import Listing
from config.errors import InvalidInput
from tenants.db import connection

MINUTES_PER_HOUR = 60


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
    payout_check(price, field="price_minor")
    return price
