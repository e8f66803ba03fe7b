"""The payment providers a marketplace may use, and how it has configured them (for staff:
which credentials are set, never their values)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from billing.credentials import credentials_open
from billing.models import ProviderAccount
from billing.providers.registry import DRIVERS


def provider_environments(code: str) -> dict[str, str]:
    """The addresses ``code`` may talk to here: its own hosts, and the operator's sandbox
    where one is configured."""
    driver = DRIVERS[code]
    choices = dict(getattr(driver, "hosts", {}))
    sandbox = settings.SOUK_SANDBOX_URLS.get(code)
    if sandbox:
        choices[ProviderAccount.Environment.SANDBOX] = sandbox.rstrip("/") + getattr(
            driver, "sandbox_path", ""
        )
    return choices


@dataclass(frozen=True)
class ProviderChoice:
    code: str
    name: str
    configured: bool
    enabled: bool
    environment: str
    environments: list[str]
    capabilities: list[str]
    currencies: list[str] | None
    credential_fields: list[str]
    optional_credential_fields: list[str]
    credentials_set: list[str]


def provider_account_list() -> list[ProviderChoice]:
    accounts = {account.code: account for account in ProviderAccount.objects.all()}
    choices = []
    for code, driver in sorted(DRIVERS.items()):
        account = accounts.get(code)
        try:
            present = sorted(credentials_open(account.credentials_encrypted)) if account else []
        except ValueError:  # sealed with another key: to be entered again
            present = []
        currencies = getattr(driver, "currencies", None)
        choices.append(
            ProviderChoice(
                code=code,
                name=getattr(driver, "name", "") or code,
                configured=account is not None,
                enabled=bool(account and account.enabled),
                environment=account.environment if account else "",
                environments=sorted(provider_environments(code)),
                capabilities=sorted(str(c) for c in getattr(driver, "capabilities", ())),
                currencies=sorted(currencies) if currencies is not None else None,
                credential_fields=list(getattr(driver, "credential_fields", ())),
                optional_credential_fields=list(getattr(driver, "optional_credential_fields", ())),
                credentials_set=present,
            )
        )
    return choices
