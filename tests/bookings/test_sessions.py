"""Psychic readers: per-minute live sessions paid minute by minute from a prepaid balance."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance, prepaid_balance_charge, prepaid_balance_credit
from billing.models import LedgerAccount
from billing.money import Money
from bookings.models import Booking, BookingEvent, LiveSession
from bookings.services.timers import bookings_run_due_timers
from config.errors import BusinessRuleViolation
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import listing_of

RATE = 299  # USD 2.99 a minute
T0 = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)


def _reader(marketplace, rate=RATE, online=True):
    provider, profile = provider_party(
        marketplace, per_minute_rates={"chat": rate}, is_online=online
    )
    with tenant_context(marketplace):
        listing = listing_of("live-reading", provider=profile, price_minor=rate)
    return provider, listing


def _top_up(marketplace, customer, amount_minor):
    with tenant_context(marketplace):
        return prepaid_balance_credit(customer=customer.user, amount=Money(amount_minor, "USD"))


def _balance(marketplace, customer) -> int:
    with tenant_context(marketplace):
        return prepaid_balance(customer=customer.user, currency="USD").amount_minor


def _accepted_session(marketplace, *, balance_minor, rate=RATE):
    provider, listing = _reader(marketplace, rate)
    customer = party(marketplace)
    if balance_minor:
        _top_up(marketplace, customer, balance_minor)
    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"})
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    accepted = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    return provider, customer, booking_id


def _session(marketplace, booking_id) -> LiveSession:
    with tenant_context(marketplace):
        return LiveSession.objects.select_related("booking").get(booking_id=booking_id)


def _heartbeat(who, booking_id, body=None):
    return who.api.post(f"/api/v1/bookings/{booking_id}/session/heartbeat/", body or {})


def test_ten_minute_session_is_billed_per_started_minute_and_split_70_30(psychic):
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=5000)
    with tenant_context(psychic):
        assert LiveSession.objects.get(booking_id=booking_id).channel == "chat"

    with time_machine.travel(T0, tick=False) as clock:
        started = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
        assert started.status_code == 200, started.content
        assert started.json()["state"] == "live"
        # The first minute is paid in advance.
        assert _balance(psychic, customer) == 5000 - RATE

        for minute in range(10):
            clock.move_to(T0 + timedelta(minutes=minute, seconds=30))
            beat = _heartbeat(provider if minute % 2 else customer, booking_id)
            assert beat.status_code == 200, beat.content
            meter = beat.json()
            assert meter["state"] == "live"
            assert meter["billed_minutes"] == minute + 1
            assert meter["elapsed_seconds"] == minute * 60 + 30
            assert meter["seconds_until_next_charge"] == 30
            assert meter["next_minute_covered"] is True
            assert meter["low_balance"] is False
            # The reader sees whether the balance runs low, not the balance itself.
            assert meter["balance_minor"] == (None if minute % 2 else 5000 - RATE * (minute + 1))

        clock.move_to(T0 + timedelta(minutes=10))
        ended = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/end/")
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert body["state"] == "ended"
    # Exactly ten minutes: ten started minutes, 29.90 USD, 30 % to the marketplace.
    money = staff_party(psychic).api.get(f"/api/v1/bookings/{booking_id}/").json()["money"]
    assert money["price_minor"] == 2990
    assert money["commission_minor"] == 897
    assert money["provider_payout_minor"] == 2093
    assert money["commission_minor"] + money["provider_payout_minor"] == money["price_minor"]
    assert money["paid_minor"] == 2990
    assert money["due_minor"] == 0
    assert _balance(psychic, customer) == 5000 - 2990

    session = _session(psychic, booking_id)
    assert session.started_at == T0
    assert session.ended_at == T0 + timedelta(minutes=10)
    assert session.end_reason == "customer"
    assert (session.billed_minutes, session.billed_minor) == (10, 2990)
    meter = customer.api.get(f"/api/v1/bookings/{booking_id}/session/").json()
    assert meter["state"] == "ended"
    assert meter["elapsed_seconds"] == 600
    assert meter["seconds_until_next_charge"] is None
    with tenant_context(psychic):
        event = BookingEvent.objects.get(booking_id=booking_id, transition="end")
        assert event.data["billed_minutes"] == 10
        assert event.data["reason"] == "customer"
    assert_error(_heartbeat(customer, booking_id), 409, "session_not_live")


def test_a_started_second_counts_as_a_minute_at_the_end(psychic):
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=5000)
    with time_machine.travel(T0, tick=False) as clock:
        provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
        clock.move_to(T0 + timedelta(minutes=2, seconds=1))
        ended = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/end/")
    assert ended.json()["money"]["price_minor"] == 3 * RATE
    session = _session(psychic, booking_id)
    assert (session.billed_minutes, session.end_reason) == (3, "provider")
    assert _balance(psychic, customer) == 5000 - 3 * RATE


def test_client_sent_times_and_minutes_are_ignored(psychic):
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=5000)
    with time_machine.travel(T0, tick=False) as clock:
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
        clock.move_to(T0 + timedelta(minutes=9, seconds=50))
        beat = _heartbeat(
            customer,
            booking_id,
            {"minutes": 1, "billed_minutes": 1, "elapsed_seconds": 60, "now": T0.isoformat()},
        )
        assert beat.status_code == 200, beat.content
        assert beat.json()["billed_minutes"] == 10
        assert beat.json()["elapsed_seconds"] == 590
        clock.move_to(T0 + timedelta(minutes=10))
        # A party's "reason" does not decide the end reason either.
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/end/", {"reason": "balance"})
    session = _session(psychic, booking_id)
    assert (session.billed_minutes, session.billed_minor, session.end_reason) == (
        10,
        10 * RATE,
        "customer",
    )


def test_session_ends_when_the_balance_cannot_pay_the_next_minute(psychic):
    # Enough for three minutes and a bit.
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=3 * RATE + 100)
    with time_machine.travel(T0, tick=False) as clock:
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
        clock.move_to(T0 + timedelta(minutes=1, seconds=20))
        assert _heartbeat(customer, booking_id).json()["low_balance"] is False
        clock.move_to(T0 + timedelta(minutes=2, seconds=20))
        warned = _heartbeat(customer, booking_id).json()
        assert (warned["state"], warned["billed_minutes"]) == ("live", 3)
        assert warned["balance_minor"] == 100
        assert warned["next_minute_covered"] is False
        assert warned["low_balance"] is True
        assert warned["seconds_until_next_charge"] == 40

        clock.move_to(T0 + timedelta(minutes=3, seconds=20))
        stopped = _heartbeat(provider, booking_id)
    assert stopped.status_code == 200, stopped.content
    meter = stopped.json()
    assert meter["state"] == "ended"
    assert meter["end_reason"] == "balance"
    assert meter["billed_minutes"] == 3
    assert meter["billed_minor"] == 3 * RATE
    assert _balance(psychic, customer) == 100
    with tenant_context(psychic):
        booking = Booking.objects.get(pk=booking_id)
        assert (booking.state, booking.price_minor, booking.paid_minor) == (
            "ended",
            3 * RATE,
            3 * RATE,
        )
        event = BookingEvent.objects.get(booking_id=booking_id, transition="end")
        assert event.actor_role == "system"
        assert event.data["due_minutes"] == 4
        assert event.data["billed_minutes"] == 3


def test_balance_never_goes_negative(psychic):
    customer = party(psychic)
    _top_up(psychic, customer, 100)
    with tenant_context(psychic):
        with pytest.raises(BusinessRuleViolation):
            prepaid_balance_charge(
                customer=customer.user,
                amount=Money(101, "USD"),
                payee=customer.user,
                fee=Money(0, "USD"),
                reference="overdraw",
            )
        assert prepaid_balance(customer=customer.user, currency="USD").amount_minor == 100
        # The database refuses a negative balance even to code that skips the service.
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerAccount.objects.filter(owner=customer.user, kind="customer_balance").update(
                entries_sum_minor=1
            )


def test_start_is_refused_when_the_balance_is_under_a_minute(psychic):
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=RATE - 1)
    refused = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
    body = assert_error(refused, 422, "insufficient_balance")
    assert body["details"] == {"balance_minor": RATE - 1, "rate_minor": RATE}
    with tenant_context(psychic):
        assert Booking.objects.get(pk=booking_id).state == "accepted"
        assert LiveSession.objects.get(booking_id=booking_id).started_at is None
    assert _balance(psychic, customer) == RATE - 1
    assert_error(_heartbeat(customer, booking_id), 409, "session_not_live")


def test_wrong_actors(psychic):
    provider, listing = _reader(psychic)
    customer = party(psychic)
    booking_id = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"}
    ).json()["id"]
    stranger = party(psychic)
    assert_error(stranger.api.get(f"/api/v1/bookings/{booking_id}/session/"), 404)
    assert_error(_heartbeat(stranger, booking_id), 404)
    assert_error(stranger.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/"), 404)
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/"), 403, "wrong_actor"
    )
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/"), 409, "wrong_state"
    )
    meter = customer.api.get(f"/api/v1/bookings/{booking_id}/session/").json()
    assert (meter["state"], meter["billed_minutes"], meter["elapsed_seconds"]) == (
        "requested",
        0,
        0,
    )
    assert_error(customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk}), 400)


def test_unanswered_request_and_unstarted_session_expire(psychic):
    provider, listing = _reader(psychic)
    customer = party(psychic)
    with time_machine.travel(T0, tick=False):
        unanswered = customer.api.post(
            "/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"}
        ).json()["id"]
        unstarted = customer.api.post(
            "/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"}
        ).json()["id"]
        provider.api.post(f"/api/v1/bookings/{unstarted}/transitions/accept/")
    with tenant_context(psychic):
        assert bookings_run_due_timers(now=T0 + timedelta(minutes=4))["fired"] == 0
        result = bookings_run_due_timers(now=T0 + timedelta(minutes=5, seconds=1))
        assert result["fired"] == 2
        assert set(
            Booking.objects.filter(pk__in=[unanswered, unstarted]).values_list("state", flat=True)
        ) == {"expired"}


def test_silent_session_ends_billed_up_to_the_last_heartbeat(psychic, settings):
    settings.SOUK_SESSION_SILENCE_SECONDS = 120
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=5000)
    with time_machine.travel(T0, tick=False) as clock:
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
        clock.move_to(T0 + timedelta(minutes=1, seconds=10))
        _heartbeat(customer, booking_id)
    with tenant_context(psychic):
        # Two minutes after the last heartbeat is not yet silence.
        assert (
            bookings_run_due_timers(now=T0 + timedelta(minutes=3, seconds=10))[
                "silent_sessions_ended"
            ]
            == 0
        )
        swept = bookings_run_due_timers(now=T0 + timedelta(minutes=8))
        assert swept["silent_sessions_ended"] == 1
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "ended"
        assert booking.price_minor == 2 * RATE
    session = _session(psychic, booking_id)
    assert session.end_reason == "silence"
    assert session.billed_minutes == 2
    assert session.ended_at == T0 + timedelta(minutes=8)
    assert _balance(psychic, customer) == 5000 - 2 * RATE


def test_balance_endpoint_shows_your_own_balance(psychic):
    customer = party(psychic)
    assert customer.api.get("/api/v1/balance/").json() == {"balances": []}
    _top_up(psychic, customer, 2000)
    assert customer.api.get("/api/v1/balance/").json() == {
        "balances": [{"currency": "USD", "amount_minor": 2000}]
    }
    assert party(psychic).api.get("/api/v1/balance/").json() == {"balances": []}


def test_another_marketplace_gets_404(psychic, fire):
    provider, customer, booking_id = _accepted_session(psychic, balance_minor=5000)
    outsider = party(fire)
    assert_error(outsider.api.get(f"/api/v1/bookings/{booking_id}/session/"), 404)
    assert_error(_heartbeat(outsider, booking_id), 404)
    assert_error(outsider.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/"), 404)
    assert outsider.api.get("/api/v1/balance/").json() == {"balances": []}
    # A booking of another kind has no session.
    with tenant_context(fire):
        fire_listing = listing_of("performance")
    from tests.support.factories.bookings import evening

    start, end = evening()
    booker = party(fire)
    fire_booking = booker.api.post(
        "/api/v1/bookings/",
        {"listing_id": fire_listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    ).json()["id"]
    assert_error(booker.api.get(f"/api/v1/bookings/{fire_booking}/session/"), 404, "no_session")


def test_a_reading_from_an_offline_reader_is_refused(psychic):
    _, listing = _reader(psychic, online=False)
    customer = party(psychic)

    refused = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"})

    assert_error(refused, 409, "provider_offline")
    with tenant_context(psychic):
        assert not Booking.objects.filter(listing=listing).exists()


def test_an_offline_reader_takes_requests_for_later_when_the_type_allows_it(psychic):
    _, listing = _reader(psychic, online=False)
    with tenant_context(psychic):
        kind = listing.listing_type
        kind.config = {**kind.config, "offline_requests": True}
        kind.save(update_fields=["config"])
    customer = party(psychic)

    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"})

    assert created.status_code == 201, created.content
    with tenant_context(psychic):
        event = BookingEvent.objects.get(booking_id=created.json()["id"], transition="create")
    assert event.data == {"for_later": True}
    # It waits for the reader to come back instead of expiring after the live ask's minutes.
    assert (created.json()["state"], created.json()["timer_due_at"]) == ("requested", None)


def test_offline_requests_must_be_a_flag(psychic):
    staff = staff_party(psychic)
    with tenant_context(psychic):
        from catalog.models import ListingType

        kind = ListingType.objects.get(slug="live-reading")

    changed = staff.api.patch(
        f"/api/v1/listing-types/{kind.pk}/", {"config": {**kind.config, "offline_requests": "yes"}}
    )

    assert "offline_requests must be true or false." in str(
        assert_error(changed, 400)["details"]["config"]
    )
