"""A stream's socket (/ws/streams/<id>/) keeps to its marketplace: another marketplace's
stream id finds nothing, another marketplace's ticket opens nothing, a page of another origin
opens nothing; and an anonymous socket may watch but neither chat nor send gifts. Against a
real uvicorn (tests/support/live.py)."""

from __future__ import annotations

import secrets

import pytest
from django_tenants.utils import tenant_context

from bookings.models import GiftSent, LiveStream
from tests.support.live_streams import (
    balance_committed,
    gift_committed,
    stream_live,
    stream_make,
    stream_path,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 8

UNAUTHENTICATED, FORBIDDEN_ORIGIN, UNKNOWN = 4401, 4403, 4404


def _ticket(asgi_server, member) -> str:
    status, body = asgi_server.http(
        member.host, "POST", "/api/v1/realtime/tickets/", token=member.token
    )
    assert status == 201, body
    return body["ticket"]


def test_a_stream_of_marketplace_b_is_not_found_on_a(asgi_server, live_cast, live_marketplaces):
    a_host = live_cast.take("a").host
    b_provider = live_cast.take("b", provider=True)
    with tenant_context(live_marketplaces["a"]):
        a_highest = LiveStream.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # An id that b has and a has not (ids are per schema: one both have is a's own stream).
    stream_id = stream_live(asgi_server, b_provider, title="Only on b")
    while stream_id <= a_highest:
        stream_id = stream_live(asgi_server, b_provider, title="Only on b")

    assert asgi_server.socket(a_host, path=stream_path(stream_id)).close_code() == UNKNOWN
    seen = asgi_server.socket(b_provider.host, path=stream_path(stream_id))
    assert seen.frame_of("ready")["stream"]["title"] == "Only on b"
    seen.close()


def test_a_ticket_of_marketplace_b_opens_no_stream_socket_on_a(asgi_server, live_cast):
    a_provider, b_member = live_cast.take("a", provider=True), live_cast.take("b")
    stream_id = stream_make(asgi_server, a_provider)
    ticket = _ticket(asgi_server, b_member)
    refused = asgi_server.socket(a_provider.host, path=stream_path(stream_id), ticket=ticket)
    assert refused.close_code() == UNAUTHENTICATED
    # A cookie of b is no session on a: that socket is anonymous, not b's member.
    anonymous = asgi_server.socket(
        a_provider.host, path=stream_path(stream_id), cookie=b_member.cookie
    )
    assert anonymous.frame_of("ready")["user_id"] is None
    anonymous.close()


def test_a_stream_socket_from_another_origin_is_refused(asgi_server, live_cast):
    a_provider, b_host = live_cast.take("a", provider=True), live_cast.take("b").host
    stream_id = stream_make(asgi_server, a_provider)
    for origin in ("http://evil.example", f"http://{b_host}", None):
        refused = asgi_server.socket(a_provider.host, path=stream_path(stream_id), origin=origin)
        assert refused.close_code() == FORBIDDEN_ORIGIN


@pytest.fixture(scope="module")
def gift_and_fan(live_marketplaces, live_cast, django_db_blocker):
    """A gift and a customer with money for it, committed before any test's transaction."""
    fan = live_cast.take("a")
    with django_db_blocker.unblock():
        gift = gift_committed(live_marketplaces["a"], price_minor=100, name="Spark")
        balance_committed(fan, amount_minor=1000)
    return gift, fan


def test_an_anonymous_socket_watches_but_cannot_chat_or_send_gifts(
    asgi_server, live_cast, live_marketplaces, gift_and_fan
):
    gift, fan = gift_and_fan
    provider = live_cast.take("a", provider=True)
    stream_id = stream_live(asgi_server, provider)

    anonymous = asgi_server.socket(provider.host, path=stream_path(stream_id))
    assert anonymous.frame_of("ready")["user_id"] is None
    said = anonymous.ask(type="chat.send", body="hello")
    assert (said["type"], said["error"]) == ("error", "not_authenticated")
    sent = anonymous.ask(type="gift.send", ref=secrets.token_hex(8), gift_id=gift.pk)
    assert (sent["type"], sent["error"]) == ("error", "not_authenticated")

    # It still hears the others: a signed-in fan's line arrives, and no gift was ever sent.
    fan_socket = asgi_server.socket(provider.host, cookie=fan.cookie, path=stream_path(stream_id))
    fan_socket.frame_of("ready")
    assert fan_socket.ask(type="chat.send", body="from a fan")["type"] == "ok"
    assert anonymous.until("chat")["data"]["body"] == "from a fan"
    with tenant_context(live_marketplaces["a"]):
        assert not GiftSent.objects.filter(stream_id=stream_id).exists()
    fan_socket.close()
    anonymous.close()


def test_a_stream_socket_of_a_session_that_logged_out_cannot_chat(asgi_server, live_cast):
    provider, member = live_cast.take("a", provider=True), live_cast.take("a")
    stream_id = stream_live(asgi_server, provider)
    socket = asgi_server.socket(member.host, cookie=member.cookie, path=stream_path(stream_id))
    assert socket.frame_of("ready")["user_id"] == member.user.pk
    status, body = asgi_server.http(
        member.host, "POST", "/api/v1/auth/logout/", cookie=member.cookie, body={}
    )
    assert status == 204, body
    socket.send(type="chat.send", body="still here?", ref="after-logout")
    assert socket.close_code() == UNAUTHENTICATED
    watcher = asgi_server.socket(member.host, path=stream_path(stream_id))
    assert [line["body"] for line in watcher.frame_of("ready")["chat"]] == []
    watcher.close()
