"""The boundary between marketplaces: a victim marketplace full of marked data, and attackers.

``victim`` is a marketplace provisioned inside the test's transaction with one of everything
(see tests/security/victim.py). ``attackers`` are clients on ``fire``'s host: an anonymous
visitor, a customer, a provider and fire's owner (each with an API token and a web session),
and the victim owner's token and session cookie replayed there.
"""

from __future__ import annotations

import itertools
import secrets
from typing import cast

import pytest
from django.test import Client

from accounts.models import User
from tests.catalog.factories import ProviderProfileFactory, ProviderUserFactory, token_for
from tests.factories import VerifiedUserFactory, tenant_context
from tests.security.victim import Victim, victim_build
from tests.support.sandboxes import fib_books, fib_sandbox  # noqa: F401 (fixtures)

_addresses = itertools.count(1)
# Throttle counters live in Redis across runs: every run and client takes an address of its own.
_RUN_PREFIX = ":".join(f"{secrets.randbits(16):x}" for _ in range(3))


def client_on(host: str, **extra) -> Client:
    """A client from an address of its own; a failing view is a 500 response, not an error."""
    address = f"fd00:{_RUN_PREFIX}::5ec:{next(_addresses):x}"
    return Client(HTTP_HOST=host, REMOTE_ADDR=address, raise_request_exception=False, **extra)


def logged_in(marketplace, user: User) -> Client:
    """A client on ``marketplace``'s host with ``user``'s API token and a web session."""
    with tenant_context(marketplace):
        client = client_on(
            marketplace.get_primary_domain().domain,
            HTTP_AUTHORIZATION=f"Bearer {token_for(user)}",
        )
        client.force_login(user)
    return client


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks):
    """``with run_commit_hooks():`` runs what a block queues on commit (mail, notifications)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def private_files(settings, tmp_path):
    """The victim's uploads go to the test's own folder, its private files to ``private/``."""
    settings.MEDIA_ROOT = str(tmp_path)
    # django-tenants caches MEDIA_ROOT + the schema pattern; re-setting the pattern clears it.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    settings.SOUK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def victim(marketplaces, db, private_files, run_commit_hooks) -> Victim:
    return victim_build(run_commit_hooks)


@pytest.fixture
def attackers(fire, victim) -> dict[str, Client]:
    host = fire.get_primary_domain().domain
    tag = secrets.token_hex(3)
    with tenant_context(fire):
        customer = VerifiedUserFactory(email=f"attacker-customer-{tag}@example.com")
        provider = ProviderUserFactory(email=f"attacker-provider-{tag}@example.com")
        ProviderProfileFactory(user=provider, display_name="Attacker")
        owner = User.objects.get(email=fire.owner_email)
    return {
        "anonymous": client_on(host),
        "fire customer": logged_in(fire, cast(User, customer)),
        "fire provider": logged_in(fire, cast(User, provider)),
        "fire owner": logged_in(fire, owner),
        "victim owner's token": victim.owner_token_client(host, raise_request_exception=False),
        "victim owner's session": victim.owner_session_client(host, raise_request_exception=False),
    }
