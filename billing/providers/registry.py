"""Drivers by provider code, built with the current marketplace's own credentials."""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.credentials import credentials_open
from billing.models import ProviderAccount
from billing.providers.areeba import AreebaDriver
from billing.providers.base import PaymentProvider
from billing.providers.fastpay import FastPayDriver
from billing.providers.fib import FibDriver
from billing.providers.nasswallet import NassWalletDriver
from billing.providers.stripe import StripeDriver
from config.errors import BusinessRuleViolation

DRIVERS: dict[str, type] = {
    "areeba": AreebaDriver,
    "fastpay": FastPayDriver,
    "fib": FibDriver,
    "nasswallet": NassWalletDriver,
    "stripe": StripeDriver,
}


def driver_for(code: str) -> PaymentProvider:
    """The driver of ``code`` for this marketplace; 422 when it does not offer that provider."""
    account = ProviderAccount.objects.filter(code=code, enabled=True).first()
    if code not in DRIVERS or account is None:
        raise BusinessRuleViolation(
            _("This marketplace does not take payments through %(provider)s.") % {"provider": code},
            code="provider_not_enabled",
        )
    return DRIVERS[code](
        base_url=account.base_url, **credentials_open(account.credentials_encrypted)
    )


def stripe_driver() -> StripeDriver:
    """This marketplace's Stripe driver, with the Connect calls only Stripe has."""
    driver = driver_for("stripe")
    assert isinstance(driver, StripeDriver)
    return driver
