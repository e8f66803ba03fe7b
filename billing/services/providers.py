"""A marketplace's staff choose its payment providers: which environment each talks to and
the credentials it uses. Credentials are sealed at rest (billing.credentials) and never read
back out through any API; an address is never typed in, only chosen (the provider's own
hosts, or the operator's sandbox), so no one can point the server at another host."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing.credentials import credentials_open, credentials_seal
from billing.models import ProviderAccount
from billing.providers.registry import DRIVERS
from billing.selectors.providers import provider_environments
from config.errors import InvalidInput, NotFound

MAX_CREDENTIAL_LENGTH = 500


def _checked_credentials(code: str, given: dict[str, Any], kept: dict[str, Any]) -> dict:
    driver = DRIVERS[code]
    required = tuple(getattr(driver, "credential_fields", ()))
    optional = tuple(getattr(driver, "optional_credential_fields", ()))
    problems: dict[str, list[str]] = {}
    for name, value in given.items():
        if name not in required + optional:
            problems[name] = [_("%(provider)s takes no such credential.") % {"provider": code}]
        elif not isinstance(value, str) or len(value) > MAX_CREDENTIAL_LENGTH:
            problems[name] = [_("A credential is text of at most 500 characters.")]
    merged = {**kept, **{k: v for k, v in given.items() if k not in problems}}
    for name in required:
        if not str(merged.get(name) or "").strip():
            problems[name] = [_("This credential is required.")]
    if problems:
        raise InvalidInput(
            _("These credentials are not what %(provider)s needs.") % {"provider": code},
            code="invalid_credentials",
            details=problems,
        )
    return {name: merged[name] for name in required + optional if merged.get(name)}


def provider_account_configure(
    *,
    code: str,
    environment: str,
    enabled: bool = True,
    credentials: dict[str, Any] | None = None,
) -> ProviderAccount:
    """Take payments through ``code`` in ``environment``. ``credentials`` replace the named
    ones (the others are kept); the first configuration must name every required one."""
    if code not in DRIVERS:
        raise NotFound(_("No such payment provider."), code="provider_not_found")
    choices = provider_environments(code)
    if environment not in choices:
        raise InvalidInput(
            _("%(provider)s has no such environment here.") % {"provider": code},
            code="invalid_environment",
            details={"environment": sorted(choices)},
        )
    with transaction.atomic():
        account = ProviderAccount.objects.select_for_update().filter(code=code).first()
        kept = credentials_open(account.credentials_encrypted) if account else {}
        sealed = credentials_seal(_checked_credentials(code, credentials or {}, kept))
        account, _created = ProviderAccount.objects.update_or_create(
            code=code,
            defaults={"environment": environment, "base_url": choices[environment],
                      "enabled": enabled, "credentials_encrypted": sealed},
        )  # fmt: skip
    return account
