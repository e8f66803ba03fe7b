import itertools
import re
import secrets

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import host_client

PASSWORD = "correct-horse-battery"  # the password UserFactory gives
_addresses = itertools.count(1)
# Throttle counters live in Redis across test runs: every run takes its own address block,
# and every client a /64 of its own (log-in limits group IPv6 clients by /64).
_RUN_PREFIX = ":".join(f"{secrets.randbits(16):x}" for _ in range(2))


def api_client(marketplace, host=None, **kwargs):
    """A client on ``marketplace``'s primary host (or ``host``) from an address of its own.

    The auth throttle counts per address in Redis, which outlives each test's rollback.
    """
    address = f"fd00:{_RUN_PREFIX}:{next(_addresses):x}::1"
    if host:
        return Client(HTTP_HOST=host, REMOTE_ADDR=address, **kwargs)
    return host_client(marketplace, REMOTE_ADDR=address, **kwargs)


def unique_email(name: str) -> str:
    """An address no earlier test run used: allauth's own flows rate-limit per address in Redis."""
    return f"{name}-{secrets.token_hex(4)}@example.com"


def post(client, path, data=None, **extra):
    return client.post(path, data or {}, content_type="application/json", **extra)


def last_mail_to(address):
    sent = [message for message in mail.outbox if address in message.to]
    assert sent, f"no mail to {address}"
    return sent[-1]


def link_in(message, pattern):
    match = re.search(pattern, message.body)
    assert match, f"{pattern!r} not in:\n{message.body}"
    return match


@pytest.fixture
def fire_api(fire):
    return api_client(fire)


@pytest.fixture
def talent_api(talent):
    return api_client(talent)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent():`` runs the mail tasks a block queues on commit (the test never commits)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _no_mail_cap_for_recurring_addresses(settings):
    """Tests here mail fixed addresses on every run, and the per-address cap counts in Redis
    for an hour: lifted here, set and tested with fresh addresses in test_throttling."""
    settings.SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR = 1000


@pytest.fixture(autouse=True)
def _eager_tasks_raise():
    """A failing mail task fails the test instead of vanishing into an eager result."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_eager_propagates = before
