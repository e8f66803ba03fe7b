"""The live socket (realtime/) keeps to its marketplace and to the thread's two parties: a
ticket or a session of marketplace a opens nothing on b, a page of another origin opens
nothing, a ticket opens one socket once, and a stranger to a thread hears nothing of it and
cannot write in it. Against a real uvicorn (tests/support/live.py)."""

from __future__ import annotations

import pytest

from tests.support.live import thread_start

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 14

UNAUTHENTICATED, FORBIDDEN_ORIGIN, UNKNOWN_MARKETPLACE = 4401, 4403, 4404


def _ticket(asgi_server, member) -> str:
    status, body = asgi_server.http(
        member.host, "POST", "/api/v1/realtime/tickets/", token=member.token
    )
    assert status == 201, body
    return body["ticket"]


def test_a_ticket_of_marketplace_a_is_refused_on_b(asgi_server, live_cast):
    member, b_host = live_cast.take("a"), live_cast.take("b").host
    ticket = _ticket(asgi_server, member)
    refused = asgi_server.socket(b_host, ticket=ticket)
    assert refused.close_code() == UNAUTHENTICATED
    # Its own marketplace still takes it: b looked it up under its own schema only.
    accepted = asgi_server.socket(member.host, ticket=ticket)
    assert accepted.frame_of("ready")["user_id"] == member.user.pk
    accepted.close()


def test_a_session_cookie_of_marketplace_a_is_refused_on_b(asgi_server, live_cast):
    member, b_host = live_cast.take("a"), live_cast.take("b").host
    refused = asgi_server.socket(b_host, cookie=member.cookie)
    assert refused.close_code() == UNAUTHENTICATED
    accepted = asgi_server.socket(member.host, cookie=member.cookie)
    assert accepted.frame_of("ready")["user_id"] == member.user.pk
    accepted.close()


def test_a_used_ticket_cannot_be_used_again(asgi_server, live_cast):
    member = live_cast.take("a")
    ticket = _ticket(asgi_server, member)
    first = asgi_server.socket(member.host, ticket=ticket)
    first.frame_of("ready")
    again = asgi_server.socket(member.host, ticket=ticket)
    assert again.close_code() == UNAUTHENTICATED
    first.close()


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://{b}",  # another marketplace of ours
        "https://{a}",  # the right host, not the scheme it is served on
        "null",
        None,  # no Origin header at all
    ],
)
def test_a_socket_from_another_origin_is_refused(asgi_server, live_cast, origin):
    member, b_host = live_cast.take("a"), live_cast.take("b").host
    if origin is not None:
        origin = origin.format(a=member.host, b=b_host)
    refused = asgi_server.socket(member.host, origin=origin, cookie=member.cookie)
    assert refused.close_code() == FORBIDDEN_ORIGIN


def test_unauthenticated_and_unknown_hosts_are_refused(asgi_server, live_cast):
    host = live_cast.take("a").host
    assert asgi_server.socket(host).close_code() == UNAUTHENTICATED
    assert asgi_server.socket(host, ticket="made-up").close_code() == UNAUTHENTICATED
    unknown = asgi_server.socket("nowhere.localhost", origin="http://nowhere.localhost")
    assert unknown.close_code() == UNKNOWN_MARKETPLACE


def test_a_stranger_to_a_thread_hears_nothing_of_it_and_cannot_write_in_it(asgi_server, live_cast):
    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    stranger, other_provider = live_cast.take("a"), live_cast.take("a", provider=True)
    thread_id = thread_start(asgi_server, customer, provider)

    watching = asgi_server.socket(stranger.host, cookie=stranger.cookie)
    watching.frame_of("ready")
    for frame in (
        {"type": "message.send", "thread_id": thread_id, "body": "let me in"},
        {"type": "typing", "thread_id": thread_id},
        {"type": "thread.read", "thread_id": thread_id},
    ):
        answer = watching.ask(**frame)
        assert answer["type"] == "error"
        assert answer["error"] == "thread_not_found"

    talking = asgi_server.socket(customer.host, cookie=customer.cookie)
    talking.frame_of("ready")
    assert talking.ask(type="typing", thread_id=thread_id)["sent"] is True
    assert talking.ask(type="message.send", thread_id=thread_id, body="private")["type"] == "ok"
    # The stranger's next event is about their own new thread: nothing of the other came first.
    own_thread = thread_start(asgi_server, stranger, other_provider)
    heard = watching.frame()
    assert heard["type"] == "message.new"
    assert heard["data"]["thread_id"] == own_thread

    status, page = asgi_server.http(
        customer.host, "GET", f"/api/v1/threads/{thread_id}/messages/", token=customer.token
    )
    assert status == 200
    assert [m["body"] for m in page["results"]] == ["Hello", "private"]
    watching.close()
    talking.close()


def _socket_then_logout(asgi_server, member):
    """A socket opened by ``member``'s web session, which then logs out."""
    socket = asgi_server.socket(member.host, cookie=member.cookie)
    socket.frame_of("ready")
    status, body = asgi_server.http(
        member.host, "POST", "/api/v1/auth/logout/", cookie=member.cookie, body={}
    )
    assert status == 204, body
    return socket


def test_a_socket_of_a_session_that_logged_out_hears_nothing_more(asgi_server, live_cast):
    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    thread_id = thread_start(asgi_server, customer, provider)
    theirs = _socket_then_logout(asgi_server, provider)
    status, body = asgi_server.http(
        customer.host,
        "POST",
        f"/api/v1/threads/{thread_id}/messages/",
        token=customer.token,
        body={"body": "are you there?"},
    )
    assert status == 201, body
    assert theirs.close_code() == UNAUTHENTICATED


def test_a_socket_of_a_session_that_logged_out_cannot_act(asgi_server, live_cast):
    """Its actions are refused before any write (the socket closes), not just its hearing."""
    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    thread_id = thread_start(asgi_server, customer, provider)
    mine = _socket_then_logout(asgi_server, customer)
    mine.send(type="message.send", thread_id=thread_id, body="after logging out")
    assert mine.close_code() == UNAUTHENTICATED

    status, page = asgi_server.http(
        provider.host, "GET", f"/api/v1/threads/{thread_id}/messages/", token=provider.token
    )
    assert status == 200
    assert "after logging out" not in [m["body"] for m in page["results"]]
