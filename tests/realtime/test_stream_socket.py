"""A stream's socket over a real uvicorn: the viewer count, chat and gifts pushed live to
everyone watching, the stream's start and end, and a gift frame sent twice paying once."""

from __future__ import annotations

import secrets

import pytest
from django_tenants.utils import tenant_context

from bookings.models import GiftSent
from tests.support.live import Socket
from tests.support.live_streams import (
    balance_committed,
    gift_committed,
    stream_live,
    stream_make,
    stream_move,
    stream_path,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 6
PRICE = 250


@pytest.fixture(scope="module")
def gift(live_marketplaces, django_db_blocker):
    with django_db_blocker.unblock():
        return gift_committed(live_marketplaces["a"], price_minor=PRICE)


@pytest.fixture(scope="module")
def fans(live_cast, django_db_blocker):
    """Customers of marketplace a with money for a few gifts, committed before any test's
    transaction starts (a write inside one would hold its locks against the server)."""
    members = [live_cast.take("a") for _ in range(3)]
    with django_db_blocker.unblock():
        for member in members:
            balance_committed(member, amount_minor=PRICE * 10)
    return members


@pytest.fixture
def fan(fans):
    return fans.pop()


def _count(socket: Socket, expected: int) -> dict:
    return socket.until("viewers", lambda frame: frame["data"]["count"] == expected)


def test_everyone_watching_sees_viewers_chat_and_gifts_live(asgi_server, live_cast, fan, gift):
    provider = live_cast.take("a", provider=True)
    stream_id = stream_live(asgi_server, provider)

    anonymous = asgi_server.socket(provider.host, path=stream_path(stream_id))
    ready = anonymous.frame_of("ready")
    assert ready["user_id"] is None
    assert ready["stream"]["state"] == "live"
    assert "stream_key" not in ready["stream"]
    _count(anonymous, 1)

    watching = asgi_server.socket(provider.host, cookie=fan.cookie, path=stream_path(stream_id))
    assert watching.frame_of("ready")["user_id"] == fan.user.pk
    _count(anonymous, 2)

    said = watching.ask(type="chat.send", body="  Call me on 07701 234 567  ")
    assert said["type"] == "ok", said
    for socket in (anonymous, watching):
        line = socket.until("chat")["data"]
        assert line["id"] == said["id"]
        assert line["user_id"] == fan.user.pk
        assert "07701" not in line["body"] and line["masked"] is True
        assert line["body"].startswith("Call me on ")

    ref = secrets.token_hex(8)
    paid = watching.ask(type="gift.send", ref=ref, gift_id=gift.pk, quantity=2)
    assert paid["type"] == "ok", paid
    for socket in (anonymous, watching):
        data = socket.until("gift")["data"]
        assert (data["gift_id"], data["quantity"], data["gift_name"]) == (gift.pk, 2, "Torch")
        assert data["sender_name"]
        assert not {"total_minor", "commission_minor", "unit_price_minor", "balance"} & set(data)

    # The same frame again (a client retrying after a lost answer): the same gift, paid once,
    # and nothing new told to the viewers (the next frame they get is the next chat line).
    again = watching.ask(type="gift.send", ref=ref, gift_id=gift.pk, quantity=2)
    assert again["gift_sent_id"] == paid["gift_sent_id"]
    assert watching.ask(type="chat.send", body="after")["type"] == "ok"
    assert anonymous.frame()["type"] == "chat"
    with tenant_context(fan.marketplace):
        assert GiftSent.objects.filter(sender_id=fan.user.pk, stream_id=stream_id).count() == 1

    # A newcomer gets the chat's last lines and the last gifts, never their prices.
    late = asgi_server.socket(provider.host, path=stream_path(stream_id))
    ready = late.frame_of("ready")
    assert [line["body"] for line in ready["chat"]][-1] == "after"
    assert ready["gifts"][-1]["quantity"] == 2 and "total_minor" not in ready["gifts"][-1]
    late.close()

    watching.close()
    _count(anonymous, 1)
    stream_move(asgi_server, provider, stream_id, "end")
    ended = anonymous.until("state")["data"]
    assert ended == {"state": "ended", "hls_url": None}
    anonymous.close()


def test_a_socket_opened_before_the_start_is_counted_once_live(asgi_server, live_cast):
    provider = live_cast.take("a", provider=True)
    stream_id = stream_make(asgi_server, provider)
    early = asgi_server.socket(provider.host, path=stream_path(stream_id))
    ready = early.frame_of("ready")
    assert (ready["stream"]["state"], ready["stream"]["viewer_count"]) == ("scheduled", 0)

    stream_move(asgi_server, provider, stream_id, "start")
    assert early.until("state")["data"]["state"] == "live"
    _count(early, 1)
    early.close()


def test_chat_is_refused_when_too_long_too_fast_or_not_live(asgi_server, live_cast, fan):
    provider = live_cast.take("a", provider=True)
    stream_id = stream_make(asgi_server, provider)
    chatting = asgi_server.socket(provider.host, cookie=fan.cookie, path=stream_path(stream_id))
    chatting.frame_of("ready")
    assert chatting.ask(type="chat.send", body="early")["error"] == "stream_not_live"
    stream_move(asgi_server, provider, stream_id, "start")

    assert chatting.ask(type="chat.send", body="x" * 301)["error"] == "message_too_long"
    assert chatting.ask(type="chat.send", body="   ")["error"] == "empty_message"
    # A fixed window of a minute: within twice the allowance (a window may turn over once
    # during the sends) a refusal must come.
    answers = [chatting.ask(type="chat.send", body=f"line {n}") for n in range(2 * 12 + 1)]
    refused = [answer for answer in answers if answer["type"] == "error"]
    assert refused and refused[0]["error"] == "message_rate_limited"
    assert refused[0]["details"]["limit"] == 12
    chatting.close()


def test_a_gift_sent_through_the_api_reaches_the_stream_socket(asgi_server, live_cast, fan, gift):
    provider = live_cast.take("a", provider=True)
    stream_id = stream_live(asgi_server, provider)
    watching = asgi_server.socket(provider.host, path=stream_path(stream_id))
    watching.frame_of("ready")
    status, body = asgi_server.http(
        provider.host,
        "POST",
        f"/api/v1/streams/{stream_id}/gifts/",
        token=fan.token,
        body={"gift_id": gift.pk, "quantity": 3, "idempotency_key": secrets.token_hex(8)},
    )
    assert status == 201, body
    data = watching.until("gift")["data"]
    assert (data["id"], data["quantity"]) == (body["id"], 3)
    watching.close()
