"""Drivers by provider code, built with the current marketplace's own credentials.

Each process keeps the drivers it has built, per marketplace schema and code: a webhook or a
status check then costs no query and no decryption. A change to a provider account clears
them in every process (the routing cache's invalidation, tenants.routing), and nothing is
kept while this process does not hear those.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
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
from tenants.db import connection
from tenants.routing import process_cache_register, process_caches_live, publish_invalidation

DRIVERS: dict[str, type] = {
    "areeba": AreebaDriver,
    "fastpay": FastPayDriver,
    "fib": FibDriver,
    "nasswallet": NassWalletDriver,
    "stripe": StripeDriver,
}


_built: dict[tuple[str, str], PaymentProvider | None] = {}
_built_lock = threading.Lock()
_UNBUILT: Any = object()  # not asked for yet (None is kept too: the provider is off here)
process_cache_register(_built.clear)


def driver_for(code: str) -> PaymentProvider:
    """The driver of ``code`` for this marketplace; 422 when it does not offer that provider."""
    key = (connection.schema_name, code)
    driver = _built.get(key, _UNBUILT)
    if driver is _UNBUILT:
        driver = _driver_build(code)
        if process_caches_live():
            with _built_lock:
                _built[key] = driver
    if driver is None:
        raise BusinessRuleViolation(
            _("This marketplace does not take payments through %(provider)s.") % {"provider": code},
            code="provider_not_enabled",
        )
    return driver


def _driver_build(code: str) -> PaymentProvider | None:
    account = ProviderAccount.objects.filter(code=code, enabled=True).first()
    if code not in DRIVERS or account is None:
        return None
    return DRIVERS[code](
        base_url=account.base_url, **credentials_open(account.credentials_encrypted)
    )


def _on_account_change(**kwargs) -> None:
    # This process at once (a test's transaction never commits), every process on commit.
    _built.clear()
    transaction.on_commit(publish_invalidation)


post_save.connect(_on_account_change, sender=ProviderAccount, dispatch_uid="drivers-save")
post_delete.connect(_on_account_change, sender=ProviderAccount, dispatch_uid="drivers-delete")


def stripe_driver() -> StripeDriver:
    """This marketplace's Stripe driver, with the Connect calls only Stripe has."""
    driver = driver_for("stripe")
    assert isinstance(driver, StripeDriver)
    return driver
