"""The reading room's socket (/ws/sessions/<id>/) keeps to its marketplace and to the
session's two parties: a ticket or a session of another marketplace opens nothing, a user of
the same marketplace who is not a party (a stranger, another reader, staff) is closed before
hearing anything, and signals and meters stay inside their own room. Against a real uvicorn
(tests/support/session_room.py)."""

from __future__ import annotations

import pytest

from tests.support.session_room import (
    frames_until,
    reading_cast,
    reading_start,
    staff_member_make,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 2

UNAUTHENTICATED, NOT_A_PARTY, NO_SUCH_SESSION = 4401, 4403, 4404


@pytest.fixture(scope="module")
def readings(psychic_live, django_db_blocker):
    return reading_cast(psychic_live, django_db_blocker, {"x": 100_000, "y": 100_000})


@pytest.fixture(scope="module")
def staff(psychic_live, django_db_blocker):
    with django_db_blocker.unblock():
        return staff_member_make(psychic_live)


def _ticket(server, member) -> str:
    status, body = server.http(member.host, "POST", "/api/v1/realtime/tickets/", token=member.token)
    assert status == 201, body
    return body["ticket"]


def _enter(server, member, booking_id: int):
    room = server.room(member.host, booking_id, cookie=member.cookie)
    room.frame_of("ready")
    room.frame_of("meter")
    return room


def test_a_user_of_another_marketplace_cannot_enter(room_server, live_cast, readings):
    booking_id = reading_start(room_server, readings["x"])
    psychic_host = readings["x"].customer.host
    outsider = live_cast.take("a")

    by_cookie = room_server.room(psychic_host, booking_id, cookie=outsider.cookie)
    assert by_cookie.close_code() == UNAUTHENTICATED
    by_ticket = room_server.room(psychic_host, booking_id, ticket=_ticket(room_server, outsider))
    assert by_ticket.close_code() == UNAUTHENTICATED
    # On its own marketplace, the id names nothing of theirs.
    at_home = room_server.room(outsider.host, booking_id, cookie=outsider.cookie)
    assert at_home.close_code() == NO_SUCH_SESSION
    # The party's own session cookie opens nothing on another marketplace's host.
    customer = readings["x"].customer
    elsewhere = room_server.room(outsider.host, booking_id, cookie=customer.cookie)
    assert elsewhere.close_code() == UNAUTHENTICATED


def test_a_user_who_is_not_a_party_cannot_enter(room_server, readings, staff):
    booking_id = reading_start(room_server, readings["x"])
    host = readings["x"].customer.host
    for stranger in (readings["y"].customer, readings["y"].provider):
        assert room_server.room(host, booking_id, cookie=stranger.cookie).close_code() == (
            NO_SUCH_SESSION
        )
    # Staff may read the booking through the API, but are not in the session.
    assert room_server.room(host, booking_id, cookie=staff.cookie).close_code() == NOT_A_PARTY
    unknown = room_server.room(host, 2_000_000_000, cookie=readings["x"].customer.cookie)
    assert unknown.close_code() == NO_SUCH_SESSION


def test_another_rooms_parties_hear_nothing_and_cannot_signal_into_it(room_server, readings):
    x, y = readings["x"], readings["y"]
    x_booking, y_booking = reading_start(room_server, x), reading_start(room_server, y)
    x_customer = _enter(room_server, x.customer, x_booking)
    x_provider = _enter(room_server, x.provider, x_booking)
    y_customer = _enter(room_server, y.customer, y_booking)
    y_provider = _enter(room_server, y.provider, y_booking)

    # y's customer signals in its own room: it reaches y's provider, never x's.
    y_offer = {"type": "offer", "sdp": "from y"}
    assert y_customer.ask(type="signal", kind="offer", data=y_offer)["type"] == "ok"
    assert y_provider.until("signal")["data"] == y_offer
    x_offer = {"type": "offer", "sdp": "from x"}
    assert x_customer.ask(type="signal", kind="offer", data=x_offer)["type"] == "ok"
    assert x_provider.until("signal")["data"] == x_offer  # the first signal x hears is x's

    # x ends; everything y's sockets heard until y ends is about y alone.
    x_customer.ask(type="session.end")
    x_provider.until("session.ended")
    y_provider.ask(type="session.end")
    for room in (y_customer, y_provider):
        heard = frames_until(room, "session.ended")
        about = {frame["data"]["booking_id"] for frame in heard if "data" in frame}
        assert about == {y_booking}
        assert not [frame for frame in heard if frame["type"] == "signal"]
