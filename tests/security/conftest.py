"""The boundary between marketplaces: a victim marketplace full of marked data, and attackers.

``victim`` is a marketplace provisioned inside the test's transaction with one of everything
(see tests/security/victim.py). ``attackers`` are clients on ``fire``'s host: an anonymous
visitor, a customer, a provider and fire's owner (each with an API token and a web session),
and the victim owner's token and session cookie replayed there.
"""

from __future__ import annotations

import secrets
from typing import cast

import pytest
from django_tenants.utils import tenant_context

from accounts.models import User
from tests.security.victim import Victim, victim_build
from tests.support.client import ApiClient, api
from tests.support.factories.accounts import ProviderUserFactory, VerifiedUserFactory
from tests.support.factories.catalog import ProviderProfileFactory
from tests.support.iraqi import (  # noqa: F401 (fixtures)
    areeba_books,
    areeba_sandbox,
    nasswallet_books,
    nasswallet_sandbox,
)
from tests.support.live import asgi_server, live_cast, live_marketplaces  # noqa: F401 (fixtures)
from tests.support.sandboxes import fastpay_sandbox, fib_books, fib_sandbox  # noqa: F401 (fixtures)
from tests.support.session_room import psychic_live, room_server  # noqa: F401 (fixtures)
from tests.support.stripe_books import stripe_books  # noqa: F401 (fixtures)
from tests.support.stripe_sandbox import stripe_sandbox, webhook_inbox  # noqa: F401 (fixtures)


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
def attackers(fire, victim) -> dict[str, ApiClient]:
    host = fire.get_primary_domain().domain
    tag = secrets.token_hex(3)
    with tenant_context(fire):
        customer = VerifiedUserFactory(email=f"attacker-customer-{tag}@example.com")
        provider = ProviderUserFactory(email=f"attacker-provider-{tag}@example.com")
        ProviderProfileFactory(user=provider, display_name="Attacker")
        owner = User.objects.get(email=fire.owner_email)
    # Each from an address of its own (throttle counters live in Redis across runs); a failing
    # view is a 500 response for them, not an error.
    quiet = {"own_address": True, "raise_request_exception": False}
    return {
        "anonymous": api(host, **quiet),
        "fire customer": api(fire, cast(User, customer), session=True, **quiet),
        "fire provider": api(fire, cast(User, provider), session=True, **quiet),
        "fire owner": api(fire, owner, session=True, **quiet),
        "victim owner's token": victim.owner_token_client(host, raise_request_exception=False),
        "victim owner's session": victim.owner_session_client(host, raise_request_exception=False),
    }
