"""The payout floor: every price must leave the provider at least the marketplace's minimum
payout after its fee. Asked wherever a price is set (listing prices, packages, ticket tiers,
per-minute rates, quotes)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.money import FeePolicy, Money, fee_breakdown
from config.errors import BusinessRuleViolation
from tenants.db import connection
from tenants.models import Marketplace

# Above any price a marketplace takes (bigint minor units); past it no price pays enough.
PRICE_CEILING_MINOR = 10**15


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


def payout_check(price: Money, *, field: str) -> None:
    """Refuse (422 ``payout_too_low``) a price that leaves the provider less than the
    marketplace's minimum payout after its fee: never nothing. Every place a price is set
    (quotes, listing prices, packages, ticket tiers) asks here. A price of 0 is free of charge
    (a free ticket), not a sale, and passes."""
    if price.amount_minor == 0:
        return
    policy = FeePolicy.of(connection.tenant)
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
