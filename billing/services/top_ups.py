"""Prepaid top-ups: a customer adds money to their prepaid balance through a provider.

A top-up is a Payment (purpose ``top_up``, subject ``top_up:<user id>``) whose one allocation
is the payer's ``customer_balance``: once the provider confirms it, billing.services.payments
posts clearing → balance like any payment. The marketplace bounds what one top-up adds
(``top_up_minimum_minor`` / ``top_up_maximum_minor``, in its default currency) and which
currencies it accepts.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.currencies import currency_accepted_check
from billing.models import LedgerAccount, Payment, SavedPaymentMethod
from billing.money import Money
from billing.providers.base import Capability
from billing.providers.registry import driver_for
from billing.services.payments import Allocation, payment_create
from config.errors import BusinessRuleViolation

SUBJECT_KIND = "top_up"


def top_up_subject(user) -> str:
    return f"{SUBJECT_KIND}:{user.pk}"


def top_up_amount_check(amount: Money) -> None:
    """422 unless the marketplace takes ``amount``'s currency and, in its default currency,
    ``amount`` is within its top-up bounds."""
    marketplace = currency_accepted_check(amount.currency)
    if amount.currency != marketplace.default_currency:
        return
    low, high = marketplace.top_up_minimum_minor, marketplace.top_up_maximum_minor
    if not low <= amount.amount_minor <= high:
        raise BusinessRuleViolation(
            _("A top-up must be from %(low)s to %(high)s.")
            % {"low": Money(low, amount.currency), "high": Money(high, amount.currency)},
            code="top_up_out_of_bounds",
            details={"minimum_minor": low, "maximum_minor": high},
        )


def off_session_check(provider: str) -> None:
    """422 unless ``provider`` is enabled here and can charge a saved method off-session."""
    if Capability.OFF_SESSION not in driver_for(provider).capabilities:
        raise BusinessRuleViolation(
            _("%(provider)s cannot keep a payment method for later charges.")
            % {"provider": provider},
            code="off_session_not_supported",
        )


def top_up_start(
    *,
    actor,
    amount: Money,
    provider: str,
    idempotency_key: str,
    return_url: str,
    save_method: bool = False,
    saved_method: SavedPaymentMethod | None = None,
) -> Payment:
    """Open a top-up of the actor's prepaid balance through ``provider``; the same key returns
    the same payment. ``save_method`` keeps the method for auto-reload (providers with
    off-session charges only); ``saved_method`` charges one kept before, without the payer."""
    top_up_amount_check(amount)
    if save_method:
        off_session_check(provider)
    return payment_create(
        payer=actor,
        subject=top_up_subject(actor),
        purpose=Payment.Purpose.TOP_UP,
        amount=amount,
        provider=provider,
        allocations=[Allocation(LedgerAccount.Kind.CUSTOMER_BALANCE, amount, owner_id=actor.pk)],
        idempotency_key=f"{actor.pk}:{idempotency_key}",
        return_url=return_url,
        description=_("Top-up of your balance"),
        save_method=save_method,
        saved_method=saved_method,
    )
