"""The live socket over a real uvicorn: messages, receipts, typing, counts, replay, presence."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import ProviderProfile
from tests.support.live import GRACE_SECONDS, poll, thread_start

# django_db: pytest-django sets the test database up only for a run with tests that ask for
# it. What the server must see is committed beforehand (the live_cast) or written through it.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 10

PHONE_BODY = "Call me on 07701 234 567 about the date"


def _ticket(asgi_server, member) -> str:
    status, body = asgi_server.http(
        member.host, "POST", "/api/v1/realtime/tickets/", token=member.token
    )
    assert status == 201, body
    return body["ticket"]


@pytest.fixture
def pair(live_cast, asgi_server):
    """A customer and a provider of marketplace a, with an inquiry thread between them."""
    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    return customer, provider, thread_start(asgi_server, customer, provider)


def test_a_ticket_is_issued_only_to_a_signed_in_user(asgi_server, live_marketplaces):
    host = live_marketplaces["a"].get_primary_domain().domain
    status, body = asgi_server.http(host, "POST", "/api/v1/realtime/tickets/")
    assert status == 401
    assert body["error"] == "not_authenticated"


def test_a_message_sent_on_the_socket_reaches_both_parties_masked_as_in_the_api(asgi_server, pair):
    customer, provider, thread_id = pair
    theirs = asgi_server.socket(provider.host, cookie=provider.cookie)
    theirs.frame_of("ready")
    mine = asgi_server.socket(customer.host, ticket=_ticket(asgi_server, customer))
    mine.frame_of("ready")

    answer = mine.ask(type="message.send", thread_id=thread_id, body=PHONE_BODY)
    assert answer["type"] == "ok", answer
    message_id = answer["message_id"]

    got = theirs.until("message.new")
    assert got["data"]["thread_id"] == thread_id
    assert got["data"]["message"]["id"] == message_id
    status, page = asgi_server.http(
        provider.host, "GET", f"/api/v1/threads/{thread_id}/messages/", token=provider.token
    )
    assert status == 200
    from_api = next(m for m in page["results"] if m["id"] == message_id)
    assert got["data"]["message"]["body"] == from_api["body"]
    assert got["data"]["message"]["masked"] is True
    assert "07701" not in got["data"]["message"]["body"]
    assert got["data"]["message"]["from_you"] is False
    entry = theirs.frame_of("notification")["data"]
    assert (entry["kind"], entry["data"], entry["read"]) == (
        "new_message",
        {"thread_id": thread_id, "count": 2},
        False,
    )
    counts = theirs.frame_of("counts")
    assert counts["data"] == {"unread_notifications": 1, "unread_messages": 2}

    echoed = mine.until("message.new")
    assert echoed["data"]["message"]["id"] == message_id
    assert echoed["data"]["message"]["from_you"] is True
    theirs.close()
    mine.close()


def test_read_receipts_typing_and_counts_arrive(asgi_server, pair):
    customer, provider, thread_id = pair
    theirs = asgi_server.socket(provider.host, ticket=_ticket(asgi_server, provider))
    theirs.frame_of("ready")
    mine = asgi_server.socket(customer.host, cookie=customer.cookie)
    mine.frame_of("ready")

    assert mine.ask(type="typing", thread_id=thread_id)["sent"] is True
    typing = theirs.frame_of("typing")
    assert typing["data"] == {"thread_id": thread_id, "user_id": customer.user.pk}
    assert "id" not in typing  # ephemeral: never stored, never replayed
    # A second signal at once is dropped by the rate limit: nothing reaches the provider, so
    # the next thing they hear is the read receipt below.
    assert mine.ask(type="typing", thread_id=thread_id)["sent"] is False

    status, body = asgi_server.http(
        provider.host, "POST", f"/api/v1/threads/{thread_id}/read/", token=provider.token, body={}
    )
    assert status == 200, body
    receipt = theirs.frame_of("thread.read")
    assert receipt["data"]["reader_id"] == provider.user.pk
    assert theirs.frame_of("counts")["data"] == {"unread_notifications": 0, "unread_messages": 0}
    seen = mine.until("thread.read")
    assert seen["data"] == receipt["data"]
    theirs.close()
    mine.close()


def test_notification_reads_push_counts(asgi_server, pair):
    _customer, provider, _thread_id = pair
    theirs = asgi_server.socket(provider.host, cookie=provider.cookie)
    theirs.frame_of("ready")
    status, body = asgi_server.http(
        provider.host,
        "POST",
        "/api/v1/notifications/read/",
        token=provider.token,
        body={"all": True},
    )
    assert status == 200, body
    assert theirs.frame_of("counts")["data"]["unread_notifications"] == 0
    theirs.close()


def test_a_reconnect_with_last_event_id_gets_what_was_missed_in_order(asgi_server, pair):
    customer, provider, thread_id = pair
    theirs = asgi_server.socket(provider.host, cookie=provider.cookie)
    last_seen = theirs.frame_of("ready")["id"]
    theirs.close()

    sent = []
    for body in ("one", "two", "three"):
        status, answer = asgi_server.http(
            customer.host,
            "POST",
            f"/api/v1/threads/{thread_id}/messages/",
            token=customer.token,
            body={"body": body},
        )
        assert status == 201, answer
        sent.append(answer["id"])

    again = asgi_server.socket(provider.host, cookie=provider.cookie, last_event_id=last_seen)
    assert again.frame_of("ready")["id"] == last_seen
    replayed, ids = [], [last_seen]
    while len(replayed) < 3:
        frame = again.frame()
        ids.append(frame["id"])
        if frame["type"] == "message.new":
            replayed.append(frame["data"]["message"]["id"])
    assert replayed == sent
    order = [tuple(int(part) for part in event_id.split("-")) for event_id in ids]
    assert order == sorted(set(order))  # increasing: no duplicate, in order

    # Then live, after the replay.
    mine = asgi_server.socket(customer.host, cookie=customer.cookie)
    mine.frame_of("ready")
    new_id = mine.ask(type="message.send", thread_id=thread_id, body="four")["message_id"]
    live = again.until("message.new")
    assert live["data"]["message"]["id"] == new_id
    again.close()
    mine.close()


def test_a_last_event_id_past_the_retention_gets_a_resync(asgi_server, pair):
    _customer, provider, _thread_id = pair
    stale = asgi_server.socket(provider.host, cookie=provider.cookie, last_event_id="1-0")
    resync = stale.frame_of("resync")
    assert stale.frame_of("ready")["id"] == resync["id"]
    stale.close()


def test_a_provider_is_online_while_a_socket_is_open_and_offline_after_the_grace(asgi_server, pair):
    customer, provider, _thread_id = pair
    profile_id = provider.profile.pk

    def online() -> bool:
        with tenant_context(provider.marketplace):
            return ProviderProfile.objects.get(pk=profile_id).is_online

    watcher = asgi_server.socket(customer.host, cookie=customer.cookie)
    watcher.frame_of("ready")
    assert watcher.ask(type="presence.subscribe", provider_id=profile_id)["online"] is False

    first = asgi_server.socket(provider.host, cookie=provider.cookie)
    first.frame_of("ready")
    poll(online)
    assert watcher.frame_of("presence")["data"] == {"provider_id": profile_id, "online": True}

    # A second socket that closes leaves the provider online: one is still open.
    second = asgi_server.socket(provider.host, cookie=provider.cookie)
    second.frame_of("ready")
    second.close()
    first.close()
    # Offline only once the grace period after the last close has passed.
    assert online()
    offline = watcher.frame_of("presence")  # waits for it, up to the frame timeout
    assert offline["data"] == {"provider_id": profile_id, "online": False}
    assert not online()
    watcher.close()
    assert GRACE_SECONDS < 10


def test_the_socket_sends_through_the_service_and_its_refusals(asgi_server, pair, settings):
    customer, _provider, thread_id = pair
    mine = asgi_server.socket(customer.host, cookie=customer.cookie)
    mine.frame_of("ready")
    empty = mine.ask(type="message.send", thread_id=thread_id, body="   ")
    assert (empty["type"], empty["error"]) == ("error", "empty_message")
    not_json = mine.ask(type="message.send", thread_id="seven", body="hi")
    assert (not_json["type"], not_json["error"]) == ("error", "invalid")
    mine.connection.send("{not json")
    assert mine.until("error")["error"] == "invalid_json"
    # The sender's rate limit is the service's (per minute, in fixed windows: twice the limit
    # and one go over it even if a minute turns while they are sent).
    answers = [
        mine.ask(type="message.send", thread_id=thread_id, body=f"message {number}")
        for number in range(2 * settings.SOUK_MESSAGE_RATE_PER_MINUTE + 1)
    ]
    refused = [answer for answer in answers if answer["type"] == "error"]
    assert refused, answers
    assert refused[0]["error"] == "message_rate_limited"
    assert refused[0]["details"]["retry_after"] >= 1
    mine.close()


def test_two_ws_processes_share_events_and_presence(
    asgi_server, second_asgi_server, pair, live_cast
):
    customer, provider, thread_id = pair
    profile_id = provider.profile.pk
    onlooker = live_cast.take("a")  # hears of the provider's presence and of nothing else

    def online() -> bool:
        with tenant_context(provider.marketplace):
            return ProviderProfile.objects.get(pk=profile_id).is_online

    watcher = asgi_server.socket(onlooker.host, cookie=onlooker.cookie)
    watcher.frame_of("ready")
    watcher.ask(type="presence.subscribe", provider_id=profile_id)
    on_one = asgi_server.socket(provider.host, cookie=provider.cookie)
    on_one.frame_of("ready")
    on_two = second_asgi_server.socket(provider.host, cookie=provider.cookie)
    on_two.frame_of("ready")
    assert watcher.frame_of("presence")["data"]["online"] is True

    # A message sent through one process reaches the provider's sockets on both.
    sender = second_asgi_server.socket(customer.host, cookie=customer.cookie)
    sender.frame_of("ready")
    message_id = sender.ask(type="message.send", thread_id=thread_id, body="hi")["message_id"]
    for socket in (on_one, on_two):
        assert socket.until("message.new")["data"]["message"]["id"] == message_id

    # The second process's socket closes; its grace timer finds the first one open: no change.
    on_two.close()
    with pytest.raises(TimeoutError):
        watcher.connection.recv(timeout=GRACE_SECONDS * 2)
    assert online()
    on_one.close()
    assert watcher.frame_of("presence")["data"] == {"provider_id": profile_id, "online": False}
    assert not online()
    for socket in (watcher, sender):
        socket.close()
