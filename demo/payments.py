"""The demo marketplaces pay through the local sandboxes: each provider its preset names and
billing has a driver for is configured with the sandbox's address and its demo credentials.

Stripe: each marketplace is its own Stripe platform, so each gets its own ``sk_test_…`` key
(the sandbox keeps every key's objects apart), and its webhook endpoints are registered
through the API, which answers their signing secrets (kept with the credentials). When the
sandbox is not running yet (``make demo`` configures the marketplaces before it starts the
sandboxes), the periodic reconciliation registers them once it is (``stripe_webhooks_ensure``;
``manage.py stripe_webhooks_register`` does it at once).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

from billing.credentials import credentials_seal
from billing.models import ProviderAccount
from billing.providers.base import ProviderError
from billing.providers.registry import DRIVERS
from sandboxes.areeba import MERCHANTS as AREEBA_MERCHANTS
from sandboxes.fastpay import STORES as FASTPAY_STORES
from sandboxes.fib import CLIENTS as FIB_CLIENTS
from sandboxes.nasswallet import MERCHANTS as NASSWALLET_MERCHANTS
from tenants.db import connection

logger = logging.getLogger(__name__)
# What each sandbox accepts (the sandboxes' own demo credentials).
_STORE_ID, _STORE = next(iter(FASTPAY_STORES.items()))
_NASS_USER, _NASS = next(iter(NASSWALLET_MERCHANTS.items()))
_MID, _AREEBA = next(iter(AREEBA_MERCHANTS.items()))
SANDBOX_CREDENTIALS = {
    "areeba": {
        "merchant_id": _MID,
        "api_password": _AREEBA["password"],
        "webhook_secret": _AREEBA["notification_secret"],
        "merchant_name": "Souk sandbox",
    },
    "nasswallet": {
        "username": _NASS_USER,
        "password": _NASS["password"],
        "basic_token": _NASS["basic"],
        "transaction_pin": _NASS["pin"],
    },
    "fastpay": {
        "store_id": _STORE_ID,
        "store_password": _STORE["password"],
        "refund_secret_key": _STORE["refund_key"],
    },
    "fib": {
        "client_id": next(iter(FIB_CLIENTS)),
        "client_secret": next(iter(FIB_CLIENTS.values())),
    },
    "stripe": {},  # per marketplace: stripe_sandbox_credentials()
}


def stripe_sandbox_credentials(secret_key: str = "") -> dict[str, str]:
    """This marketplace's own test keys (its own platform in the sandbox)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", connection.schema_name)
    return {
        "secret_key": secret_key or f"sk_test_souk_{name}",
        "publishable_key": f"pk_test_souk_{name}",
    }


def sandbox_provider_configure(
    *, code: str, url: str, secret_key: str = "", webhook_url: str | None = None
) -> ProviderAccount:
    """This marketplace takes ``code`` payments through the sandbox at ``url``, with the
    sandbox's credentials. Stripe: ``secret_key`` (by default the marketplace's own) names
    the platform, and the webhook endpoints are registered at ``webhook_url`` (by default the
    marketplace's webhook URL)."""
    credentials = (
        stripe_sandbox_credentials(secret_key) if code == "stripe" else SANDBOX_CREDENTIALS[code]
    )
    account, _created = ProviderAccount.objects.update_or_create(
        code=code,
        defaults={
            "base_url": url.rstrip("/") + getattr(DRIVERS[code], "sandbox_path", ""),
            "environment": ProviderAccount.Environment.SANDBOX,
            "credentials_encrypted": credentials_seal(credentials),
            "enabled": True,
        },
    )
    if code == "stripe":
        from billing.services.connect import stripe_webhook_register

        try:
            stripe_webhook_register(url=webhook_url)
        except ProviderError as exc:
            logger.warning("Stripe webhooks not registered for %s: %s", connection.schema_name, exc)
        account.refresh_from_db()
    return account


def demo_payment_providers_configure(*, providers: tuple[str, ...]) -> list[str]:
    """Configure this marketplace's providers (of ``providers``) that have a driver and a
    sandbox; returns their codes."""
    configured = []
    for code in providers:
        url = settings.SOUK_SANDBOX_URLS.get(code)
        if code in DRIVERS and code in SANDBOX_CREDENTIALS and url:
            sandbox_provider_configure(code=code, url=url)
            configured.append(code)
    return configured
