"""The reading room's socket over a real uvicorn: the meter live for both parties on the
server's clock, the warning at one minute left, the end at an empty balance, drops and a
killed server billing each started minute once, call signalling and ICE servers.

The fast clock: the live-reading type of this marketplace bills per 2-second unit, so a
"minute" below is two seconds (tests/support/session_room.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import AutoReload, SavedPaymentMethod
from billing.selectors.ledger import ledger_problems
from bookings.models import Booking
from realtime.call_signals import SIGNAL_MAX_BYTES
from tests.support.live import poll
from tests.support.session_room import (
    PROVIDER_SHARE,
    RATE,
    STUN_URL,
    TURN_SECRET,
    TURN_TTL_SECONDS,
    TURN_URL,
    UNIT,
    assert_each_unit_charged_once,
    books_of,
    due_units,
    frames_until,
    reading_accepted,
    reading_cast,
    reading_move,
    reading_start,
    room_server_run,
    session_row,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PLENTY = 500 * RATE
CLOSE_ENDED = 1000


@pytest.fixture(scope="module")
def readings(psychic_live, django_db_blocker):
    made = reading_cast(
        psychic_live,
        django_db_blocker,
        {
            "live": PLENTY,
            "drop": PLENTY,
            "crash": PLENTY,
            "zero": 3 * RATE,
            "call": PLENTY,
            "ice": PLENTY,
            "api": PLENTY,
        },
    )
    # The customer who runs out has auto-reload on, with a threshold no charge crosses.
    with django_db_blocker.unblock(), tenant_context(psychic_live):
        customer = made["zero"].customer.user
        method = SavedPaymentMethod.objects.create(
            user=customer, provider="stripe", customer_ref="cus_1", method_ref="pm_1", label="4242"
        )
        AutoReload.objects.create(
            user=customer, currency="USD", enabled=True, threshold_minor=0,
            amount_minor=10 * RATE, method=method,
        )  # fmt: skip
    return made


def _ticket(server, member) -> str:
    status, body = server.http(member.host, "POST", "/api/v1/realtime/tickets/", token=member.token)
    assert status == 201, body
    return body["ticket"]


def _enter(server, member, booking_id: int, role: str):
    """A party's socket in the room, past its ready and first meter frames."""
    room = server.room(member.host, booking_id, cookie=member.cookie)
    assert room.frame_of("ready")["role"] == role
    assert room.frame_of("meter")["data"]["booking_id"] == booking_id
    return room


def _settled_accounts(marketplace, reading, booking_id: int, *, unpaid: int = 0) -> int:
    """Check the books of an ended reading against its clock (``unpaid``: started minutes
    the balance could not pay); returns the minutes billed."""
    session = session_row(marketplace, booking_id)
    assert session.ended_at is not None
    billed = session.billed_minutes
    assert billed + unpaid == due_units(session, session.ended_at)
    assert session.billed_minor == billed * RATE
    assert_each_unit_charged_once(marketplace, booking_id, billed)
    books = books_of(marketplace, reading)
    assert books.customer_balance == reading.balance_minor - billed * RATE
    assert books.provider_pending == billed * PROVIDER_SHARE
    with tenant_context(marketplace):
        assert ledger_problems() == []
        booking = Booking.objects.get(pk=booking_id)
        assert (booking.state, booking.price_minor, booking.paid_minor) == (
            "ended",
            billed * RATE,
            billed * RATE,
        )
    return billed


def _quiet(marketplace, booking_id: int):
    """The session once no socket has beaten for two units (nobody is ticking), and the
    minutes that started since are still unbilled."""

    def check():
        session = session_row(marketplace, booking_id)
        idle = timezone.now() - session.last_heartbeat_at
        return session if idle > 2 * UNIT else None

    return poll(check, seconds=15)


def _beaten_after(marketplace, booking_id: int, since):
    return poll(
        lambda: (s := session_row(marketplace, booking_id)).last_heartbeat_at > since and s,
        seconds=15,
    )


def test_both_parties_see_the_meter_live_and_only_the_customer_sees_the_balance(
    room_server, psychic_live, readings
):
    reading = readings["live"]
    booking_id = reading_start(room_server, reading)
    customer = room_server.room(reading.customer.host, booking_id, cookie=reading.customer.cookie)
    assert customer.frame_of("ready")["role"] == "customer"
    first = customer.frame_of("meter")["data"]
    assert (first["state"], first["channel"], first["rate_minor"]) == ("live", "video", RATE)
    assert first["balance_minor"] == reading.balance_minor - first["billed_minutes"] * RATE
    provider = room_server.room(
        reading.provider.host, booking_id, ticket=_ticket(room_server, reading.provider)
    )
    assert provider.frame_of("ready")["role"] == "provider"
    assert provider.frame_of("meter")["data"]["balance_minor"] is None

    # Each minute that starts is charged by the server and shown to both.
    later = first["billed_minutes"] + 2
    mine = customer.until("meter", lambda f: f["data"]["billed_minutes"] >= later)["data"]
    assert mine["balance_minor"] == reading.balance_minor - mine["billed_minutes"] * RATE
    theirs = provider.until("meter", lambda f: f["data"]["billed_minutes"] >= later)["data"]
    assert theirs["balance_minor"] is None
    assert theirs["billed_minor"] == theirs["billed_minutes"] * RATE

    answer = provider.ask(type="session.end")
    assert answer["type"] == "ok", answer
    assert answer["end_reason"] == "provider"
    for room in (customer, provider):
        ended = room.until("session.ended")["data"]
        assert (ended["state"], ended["end_reason"]) == ("ended", "provider")
        assert room.close_code() == CLOSE_ENDED
    billed = _settled_accounts(psychic_live, reading, booking_id)
    assert billed == ended["billed_minutes"] >= later
    # Entering an ended session: the final meter, then the close.
    late = room_server.room(reading.customer.host, booking_id, cookie=reading.customer.cookie)
    assert late.frame_of("ready")["role"] == "customer"
    assert late.frame_of("session.ended")["data"]["billed_minutes"] == billed
    assert late.close_code() == CLOSE_ENDED


def test_a_start_and_an_end_through_the_api_reach_the_room(room_server, psychic_live, readings):
    reading = readings["api"]
    booking_id = reading_accepted(room_server, reading)
    room = room_server.room(reading.customer.host, booking_id, cookie=reading.customer.cookie)
    room.frame_of("ready")
    waiting = room.frame_of("meter")["data"]
    assert (waiting["state"], waiting["billed_minutes"]) == ("accepted", 0)

    reading_move(room_server, reading.customer, booking_id, "start")
    live = room.until("meter", lambda f: f["data"]["state"] == "live")["data"]
    assert live["billed_minutes"] >= 1
    room.until("meter", lambda f: f["data"]["billed_minutes"] >= 2)

    reading_move(room_server, reading.provider, booking_id, "end")
    assert room.until("session.ended")["data"]["end_reason"] == "provider"
    assert room.close_code() == CLOSE_ENDED
    _settled_accounts(psychic_live, reading, booking_id)


def test_a_drop_and_a_resume_bill_each_started_minute_once(room_server, psychic_live, readings):
    reading = readings["drop"]
    booking_id = reading_start(room_server, reading)
    customer = _enter(room_server, reading.customer, booking_id, "customer")
    provider = _enter(room_server, reading.provider, booking_id, "provider")
    customer.until("meter", lambda f: f["data"]["billed_minutes"] >= 2)
    customer.close()
    provider.close()

    # Nobody in the room: no heartbeat, no charge, while minutes go on starting.
    dropped = _quiet(psychic_live, booking_id)
    assert dropped.billed_minutes == due_units(dropped, dropped.last_heartbeat_at)
    assert dropped.billed_minutes < due_units(dropped)
    assert session_row(psychic_live, booking_id).billed_minutes == dropped.billed_minutes

    # Back within the grace: the minutes that started meanwhile are charged on entering,
    # and the first meter shows them.
    again = room_server.room(reading.customer.host, booking_id, cookie=reading.customer.cookie)
    again.frame_of("ready")
    shown = again.frame_of("meter")["data"]
    resumed = _beaten_after(psychic_live, booking_id, dropped.last_heartbeat_at)
    assert resumed.billed_minutes == due_units(resumed, resumed.last_heartbeat_at)
    assert shown["billed_minutes"] > dropped.billed_minutes + 1
    assert shown["balance_minor"] == reading.balance_minor - shown["billed_minutes"] * RATE

    assert again.ask(type="session.end")["end_reason"] == "customer"
    assert again.until("session.ended")["data"]["end_reason"] == "customer"
    _settled_accounts(psychic_live, reading, booking_id)


def test_the_warning_comes_at_one_minute_left_and_the_session_ends_at_zero(
    room_server, psychic_live, readings
):
    reading = readings["zero"]  # three minutes' worth
    booking_id = reading_start(room_server, reading)
    customer = _enter(room_server, reading.customer, booking_id, "customer")
    provider = _enter(room_server, reading.provider, booking_id, "provider")

    heard = frames_until(customer, "session.ended")
    warnings = [frame for frame in heard if frame["type"] == "meter.warning"]
    assert len(warnings) == 1
    warning = warnings[0]["data"]
    # The third minute is paid and the balance is empty: this minute is the last.
    assert (warning["billed_minutes"], warning["balance_minor"]) == (3, 0)
    assert (warning["next_minute_covered"], warning["low_balance"]) == (False, True)
    kinds = [frame["type"] for frame in heard]
    assert kinds.index("meter.warning") < kinds.index("session.ended")
    ended = heard[-1]["data"]
    assert (ended["end_reason"], ended["billed_minutes"], ended["billed_minor"]) == (
        "balance",
        3,
        3 * RATE,
    )
    assert ended["balance_minor"] == 0

    # At the warning, the customer's auto-reload was tried (and failed: no provider here
    # charges a saved method off-session), so the reading still ended at zero.
    with tenant_context(psychic_live):
        reload = AutoReload.objects.get(user=reading.customer.user)
        assert reload.last_crossing != ""
        assert reload.last_failure_code != ""

    theirs = frames_until(provider, "session.ended")
    assert "meter.warning" not in [frame["type"] for frame in theirs]
    assert theirs[-1]["data"]["end_reason"] == "balance"
    assert theirs[-1]["data"]["balance_minor"] is None
    # It ended when the fourth minute started and could not be paid.
    assert _settled_accounts(psychic_live, reading, booking_id, unpaid=1) == 3


def test_a_killed_server_loses_nothing_and_bills_nothing_twice(psychic_live, readings, tmp_path):
    reading = readings["crash"]
    host = reading.customer.host
    with room_server_run(tmp_path / "first.log", probe_host=host) as first:
        booking_id = reading_start(first, reading)
        customer = _enter(first, reading.customer, booking_id, "customer")
        customer.until("meter", lambda f: f["data"]["billed_minutes"] >= 2)
        first.process.kill()  # SIGKILL: no shutdown, whatever was in flight is cut
        first.process.wait(timeout=10)
    killed = _quiet(psychic_live, booking_id)
    assert killed.billed_minutes == due_units(killed, killed.last_heartbeat_at)

    with room_server_run(tmp_path / "second.log", probe_host=host) as second:
        again = _enter(second, reading.customer, booking_id, "customer")
        resumed = _beaten_after(psychic_live, booking_id, killed.last_heartbeat_at)
        assert resumed.billed_minutes == due_units(resumed, resumed.last_heartbeat_at)
        assert resumed.billed_minutes > killed.billed_minutes
        assert again.ask(type="session.end")["type"] == "ok"
        again.until("session.ended")
    _settled_accounts(psychic_live, reading, booking_id)


def test_signals_reach_the_other_party_only(room_server, psychic_live, readings):
    reading = readings["call"]
    booking_id = reading_start(room_server, reading)
    customer = _enter(room_server, reading.customer, booking_id, "customer")
    other_tab = _enter(room_server, reading.customer, booking_id, "customer")
    provider = _enter(room_server, reading.provider, booking_id, "provider")
    # Each side learns who is there: the newcomer from both customer tabs, the tabs from it.
    assert [provider.until("peer.joined")["role"] for _tab in (1, 2)] == ["customer"] * 2
    for tab in (customer, other_tab):
        assert tab.until("peer.joined")["role"] == "provider"

    offer = {"type": "offer", "sdp": "v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\n"}
    assert customer.ask(type="signal", kind="offer", data=offer)["type"] == "ok"
    assert provider.until("signal") == {
        "type": "signal",
        "from": "customer",
        "kind": "offer",
        "data": offer,
    }
    answer = {"type": "answer", "sdp": "v=0\r\n"}
    assert provider.ask(type="signal", kind="answer", data=answer)["type"] == "ok"
    # Both of the customer's tabs hear the answer, and neither heard its own offer back.
    for tab in (customer, other_tab):
        heard = tab.until("signal")
        assert (heard["from"], heard["kind"], heard["data"]) == ("provider", "answer", answer)

    refused = customer.ask(type="signal", kind="bye", data={})
    assert (refused["type"], refused["error"]) == ("error", "invalid_signal")
    too_big = customer.ask(type="signal", kind="candidate", data="x" * SIGNAL_MAX_BYTES)
    assert (too_big["type"], too_big["error"]) == ("error", "signal_too_large")
    candidate = {"candidate": "candidate:1 1 udp 2122260223 10.0.0.2 54400 typ host"}
    customer.ask(type="signal", kind="candidate", data=candidate)
    # The refused ones never reached the provider: the next signal is the candidate.
    assert provider.until("signal")["data"] == candidate
    provider.close()
    for tab in (customer, other_tab):
        assert tab.until("peer.left")["role"] == "provider"
    customer.ask(type="session.end")
    for tab in (customer, other_tab):
        tab.until("session.ended")
    _settled_accounts(psychic_live, reading, booking_id)


def test_ice_servers_with_a_time_limited_turn_credential_are_handed_out(room_server, readings):
    reading = readings["ice"]
    booking_id = reading_start(room_server, reading)
    room = room_server.room(reading.customer.host, booking_id, cookie=reading.customer.cookie)
    stun, turn = room.frame_of("ready")["ice_servers"]
    assert stun == {"urls": [STUN_URL]}
    assert turn["urls"] == [TURN_URL]
    expiry, user_id = turn["username"].split(":")
    assert user_id == str(reading.customer.user.pk)
    assert abs(int(expiry) - (time.time() + TURN_TTL_SECONDS)) < 30
    expected = hmac.new(TURN_SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(expected).decode()
    assert room.ask(type="session.end")["type"] == "ok"
    room.close()
