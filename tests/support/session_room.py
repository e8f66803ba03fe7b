"""The reading room's socket (/ws/sessions/<id>/) against a real uvicorn: a psychic-readers
marketplace of its own (``live-p``, purged with the other live marketplaces), whose live
readings are billed per 2-second unit (the fast clock: a "minute" here is two seconds), and
servers started with the room's settings (a short tick, a known TURN secret).

What the server must see is committed before a module's tests start (``reading_cast``):
readers with a listing, customers with a prepaid balance. Sessions are then requested,
accepted and started through the server's API, and read back from the database (committed by
the server, so visible inside a test's transaction).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance, prepaid_balance_credit
from billing.models import LedgerAccount, LedgerTransaction
from billing.money import Money
from billing.selectors.ledger import ledger_balance
from bookings.models import LiveSession
from bookings.services.sessions import started_units
from catalog.models import ListingType
from tests.support.contract import free_port
from tests.support.factories.accounts import StaffUserFactory, api_token_for, unique_email
from tests.support.factories.catalog import listing_of
from tests.support.live import (
    PREFIX,
    LiveServer,
    Member,
    Socket,
    _wait_until_serving,
    member_make,
    server_environment,
)
from tests.support.production import ROOT

UNIT_SECONDS = 2
UNIT = timedelta(seconds=UNIT_SECONDS)
# 30 % of 3.00 is exactly 0.90 a minute, so the provider earns 2.10 a minute however the
# minutes are grouped into charges.
RATE = 300
PROVIDER_SHARE = 210
CURRENCY = "USD"
TICK_SECONDS = 0.5
SILENCE_SECONDS = 60
TURN_SECRET = "room-tests-turn-secret"
TURN_TTL_SECONDS = 600
STUN_URL = "stun:stun.live-p.localhost:3478"
TURN_URL = "turn:turn.live-p.localhost:3478?transport=udp"


@dataclass
class RoomServer(LiveServer):
    process: subprocess.Popen = field(repr=False, default=None)  # type: ignore[assignment]

    def room(self, host: str, booking_id: int, *, cookie: str | None = None, **query) -> Socket:
        """A socket to the reading room of ``booking_id`` (from the host's own origin)."""
        return self.socket(host, cookie=cookie, path=f"/ws/sessions/{booking_id}/", **query)


def room_environment() -> dict[str, str]:
    environ = server_environment()
    environ.update(
        {
            "SOUK_SESSION_TICK_SECONDS": str(TICK_SECONDS),
            "SOUK_SESSION_SILENCE_SECONDS": str(SILENCE_SECONDS),
            "SOUK_STUN_URLS": STUN_URL,
            "SOUK_TURN_URLS": TURN_URL,
            "SOUK_TURN_SECRET": TURN_SECRET,
            "SOUK_TURN_TTL_SECONDS": str(TURN_TTL_SECONDS),
        }
    )
    return environ


@contextlib.contextmanager
def room_server_run(log: Path, *, probe_host: str) -> Iterator[RoomServer]:
    """uvicorn serving config.asgi, as platform/Procfile's ``ws`` process, with the room's
    settings; ``server.process`` may be killed by the test."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--ws", "websockets", "--no-access-log",
             "--timeout-graceful-shutdown", "5"],
            cwd=ROOT, env=room_environment(), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = RoomServer(port, process)
        try:
            _wait_until_serving(server, process, log, probe_host)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a socket or a timer that would not let go
                process.kill()
                process.wait()


def psychic_marketplace_make():
    from tenants.services import marketplace_create

    connection.set_schema_to_public()
    marketplace = marketplace_create(
        preset="psychic-readers",
        name="Live p",
        slug=f"{PREFIX}-p",
        domain=f"{PREFIX}-p.localhost",
        owner_email="owner@example.com",
    )
    with tenant_context(marketplace):
        kind = ListingType.objects.get(slug="live-reading")
        kind.config = {**kind.config, "billing_unit_seconds": UNIT_SECONDS}
        kind.save(update_fields=["config"])
    connection.set_schema_to_public()
    return marketplace


@pytest.fixture(scope="session")
def psychic_live(live_marketplaces, django_db_blocker):
    """The psychic-readers marketplace of the room's tests (live_marketplaces purges it)."""
    with django_db_blocker.unblock():
        return psychic_marketplace_make()


@pytest.fixture(scope="session")
def room_server(psychic_live, tmp_path_factory):
    log = tmp_path_factory.mktemp("room") / "uvicorn.log"
    with room_server_run(log, probe_host=psychic_live.get_primary_domain().domain) as server:
        yield server


@dataclass
class Reading:
    """A reader with a live-reading listing, and a customer with a prepaid balance."""

    customer: Member
    provider: Member
    listing_id: int
    balance_minor: int


def reading_make(marketplace, *, balance_minor: int) -> Reading:
    customer = member_make(marketplace)
    provider = member_make(marketplace, provider=True)
    with tenant_context(marketplace):
        profile = provider.profile
        profile.is_online = True
        profile.per_minute_rates = {"chat": RATE, "phone": RATE, "video": RATE}
        profile.save(update_fields=["is_online", "per_minute_rates"])
        listing = listing_of("live-reading", provider=profile, price_minor=RATE)
        prepaid_balance_credit(customer=customer.user, amount=Money(balance_minor, CURRENCY))
    connection.set_schema_to_public()
    return Reading(customer, provider, listing.pk, balance_minor)


def reading_cast(marketplace, django_db_blocker, balances: dict[str, int]) -> dict[str, Reading]:
    """Committed readings, one per name, with a customer holding that balance."""
    with django_db_blocker.unblock():
        return {
            name: reading_make(marketplace, balance_minor=balance)
            for name, balance in balances.items()
        }


def reading_move(server: LiveServer, who: Member, booking_id: int, move: str) -> dict:
    """Take a step of the booking through the API (the transitions endpoint)."""
    status, body = server.http(
        who.host, "POST", f"/api/v1/bookings/{booking_id}/transitions/{move}/", token=who.token
    )
    assert status == 200, body
    return body


def reading_accepted(server: LiveServer, reading: Reading, *, channel: str = "video") -> int:
    """Request a reading and accept it through the API; returns the booking's id."""
    customer = reading.customer
    status, body = server.http(
        customer.host, "POST", "/api/v1/bookings/", token=customer.token,
        body={"listing_id": reading.listing_id, "channel": channel},
    )  # fmt: skip
    assert status == 201, body
    reading_move(server, reading.provider, body["id"], "accept")
    return body["id"]


def reading_start(server: LiveServer, reading: Reading, *, channel: str = "video") -> int:
    """Request, accept and start a reading through the API; returns the booking's id."""
    booking_id = reading_accepted(server, reading, channel=channel)
    reading_move(server, reading.customer, booking_id, "start")
    return booking_id


def session_row(marketplace, booking_id: int) -> LiveSession:
    with tenant_context(marketplace):
        return LiveSession.objects.get(booking_id=booking_id)


def due_units(session: LiveSession, at=None) -> int:
    """The units started by ``at`` (now by default), by the rule the server bills by."""
    assert session.started_at is not None
    return started_units(session.started_at, at or timezone.now(), UNIT)


@dataclass(frozen=True)
class Books:
    customer_balance: int
    provider_pending: int


def books_of(marketplace, reading: Reading) -> Books:
    with tenant_context(marketplace):
        balance = prepaid_balance(customer=reading.customer.user, currency=CURRENCY)
        pending = ledger_balance(
            kind=LedgerAccount.Kind.PROVIDER_PENDING,
            currency=CURRENCY,
            owner=reading.provider.user,
        )
    return Books(balance.amount_minor, pending.amount_minor)


def charged_ranges(marketplace, booking_id: int) -> list[tuple[int, int]]:
    """The unit ranges the ledger holds per-minute charges of the booking for, in order."""
    prefix = f"session:{booking_id}:units:"
    with tenant_context(marketplace):
        references = LedgerTransaction.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        ranges = [tuple(int(n) for n in ref.removeprefix(prefix).split("-")) for ref in references]
    return sorted((first, last) for first, last in ranges)


def assert_each_unit_charged_once(marketplace, booking_id: int, billed: int) -> None:
    """The charges cover units 1..billed, each once: no gap, no overlap."""
    covered = [unit for first, last in charged_ranges(marketplace, booking_id)
               for unit in range(first, last + 1)]  # fmt: skip
    assert covered == list(range(1, billed + 1))


def frames_until(sock: Socket, kind: str, *, seconds: float = 30) -> list[dict]:
    """Every frame up to and including the first of type ``kind``."""
    deadline = time.monotonic() + seconds
    frames: list[dict] = []
    while time.monotonic() < deadline:
        frames.append(sock.frame())
        if frames[-1]["type"] == kind:
            return frames
    raise AssertionError(f"no {kind} frame in {seconds} s: {frames}")


def staff_member_make(marketplace) -> Member:
    """A committed staff user of ``marketplace`` with a web session cookie."""
    with tenant_context(marketplace):
        user = StaffUserFactory(email=unique_email("staff"))
        token = api_token_for(user)
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        cookie = f"{name}={client.cookies[name].value}"
    connection.set_schema_to_public()
    return Member(marketplace, marketplace.get_primary_domain().domain, user, token, cookie)
