"""The demo marketplaces pay through the local sandboxes: each provider its preset names and
billing has a driver for is configured with the sandbox's address and its demo credentials."""

from __future__ import annotations

from django.conf import settings

from billing.credentials import credentials_seal
from billing.models import ProviderAccount
from billing.providers.registry import DRIVERS
from sandboxes.areeba import MERCHANTS as AREEBA_MERCHANTS
from sandboxes.fastpay import STORES as FASTPAY_STORES
from sandboxes.fib import CLIENTS as FIB_CLIENTS
from sandboxes.nasswallet import MERCHANTS as NASSWALLET_MERCHANTS

# Where each provider's API lives on its sandbox's host (NassWallet's under a path, as on its
# own hosts).
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
}


def sandbox_provider_configure(*, code: str, url: str) -> ProviderAccount:
    """This marketplace takes ``code`` payments through the sandbox at ``url``, with the
    sandbox's credentials."""
    account, _created = ProviderAccount.objects.update_or_create(
        code=code,
        defaults={
            "base_url": url.rstrip("/") + getattr(DRIVERS[code], "sandbox_path", ""),
            "environment": ProviderAccount.Environment.SANDBOX,
            "credentials_encrypted": credentials_seal(SANDBOX_CREDENTIALS[code]),
            "enabled": True,
        },
    )
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
