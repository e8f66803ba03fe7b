"""No double booking, no oversell: many customers at once, each on its own connection.

These tests commit (separate connections only see committed rows), so they work in a
marketplace of their own, provisioned for the test and dropped afterwards.
"""

import secrets
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from bookings.models import Booking
from bookings.services.creation import BookingRequest, booking_create
from catalog.models import TicketTier
from config.errors import ServiceError
from tests.support.factories.accounts import UserFactory
from tests.support.factories.bookings import evening
from tests.support.factories.catalog import ProviderProfileFactory, event, listing_of

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow

ATTEMPTS = 50


def on_own_connection(function, *args):
    """Run ``function`` in a thread with its own connection, outside the test's transaction,
    so what it writes is committed and visible to every other connection."""
    result: list = []

    def run():
        try:
            result.append(function(*args))
        except BaseException as exc:  # re-raised in the test's thread
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


@pytest.fixture
def committed_marketplace(db):
    """Marketplaces provisioned (and committed) for the test, dropped afterwards."""
    from tenants.services import (
        SystemActor,
        marketplace_create,
        marketplace_delete,
        marketplace_purge,
    )

    def drop(marketplace):
        tests = SystemActor("tests")
        marketplace_delete(marketplace=marketplace, actor=tests)
        marketplace_purge(marketplace=marketplace, actor=tests, ignore_grace_period=True)

    made = []

    def make(preset):
        marketplace = on_own_connection(
            lambda: marketplace_create(
                preset=preset, name=f"Race {secrets.token_hex(3)}", owner_email="o@example.com"
            )
        )
        made.append(marketplace)
        return marketplace

    yield make
    for marketplace in made:
        on_own_connection(lambda m=marketplace: drop(m))


def all_at_once(marketplace, attempt, items) -> list:
    """Run ``attempt(item)`` for each item at once, each in its own thread and database
    connection in ``marketplace``'s schema, released together by a barrier. Returns each
    outcome: what ``attempt`` returned, or "<status> <code>" of the ServiceError it raised."""
    barrier = threading.Barrier(len(items))
    outcomes: list = []
    lock = threading.Lock()

    def run(item):
        try:
            connection.set_tenant(marketplace)
            barrier.wait(timeout=30)
            try:
                outcome = attempt(item)
            except ServiceError as exc:
                outcome = f"{exc.status} {exc.code}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def race(marketplace, attempt) -> Counter:
    """Run ``attempt(customer)`` for ATTEMPTS customers at once (all_at_once). Counts outcomes
    by error code, "won" for those that got through."""
    customers = on_own_connection(lambda: [_in(marketplace, UserFactory) for _ in range(ATTEMPTS)])

    def won(customer) -> str:
        attempt(customer)
        return "won"

    return Counter(all_at_once(marketplace, won, customers))


def _in(marketplace, function, *args, **kwargs):
    with tenant_context(marketplace):
        return function(*args, **kwargs)


def test_fifty_customers_one_evening_exactly_one_booking(committed_marketplace):
    fire = committed_marketplace("fire-performers")
    listing = on_own_connection(
        lambda: _in(fire, lambda: listing_of("performance", provider=ProviderProfileFactory()))
    )
    start, end = evening()

    def attempt(customer):
        # Each customer asks for a different window over the same evening.
        shift = timedelta(minutes=secrets.randbelow(60))
        booking_create(
            actor=customer,
            request=BookingRequest(
                listing_id=listing.pk, starts_at=start + shift, ends_at=end + shift
            ),
        )

    outcomes = race(fire, attempt)
    assert outcomes == Counter({"won": 1, "409 slot_taken": ATTEMPTS - 1})
    held = on_own_connection(
        lambda: _in(
            fire, lambda: Booking.objects.filter(listing=listing, state="requested").count()
        )
    )
    assert held == 1


def test_fifty_buyers_three_last_tickets_exactly_three_sold(committed_marketplace):
    events = committed_marketplace("events")

    def setup():
        listing = event(capacity=40, provider=ProviderProfileFactory())
        tier = listing.ticket_tiers.get()
        TicketTier.objects.filter(pk=tier.pk).update(sold=37)  # three left
        return listing, tier

    listing, tier = on_own_connection(lambda: _in(events, setup))

    def attempt(customer):
        booking_create(
            actor=customer,
            request=BookingRequest(listing_id=listing.pk, ticket_tier_id=tier.pk, quantity=1),
        )

    outcomes = race(events, attempt)
    assert outcomes == Counter({"won": 3, "409 sold_out": ATTEMPTS - 3})

    def sold():
        tier.refresh_from_db()
        return tier.sold, Booking.objects.filter(ticket_lines__tier=tier, state="reserved").count()

    assert on_own_connection(lambda: _in(events, sold)) == (40, 3)
