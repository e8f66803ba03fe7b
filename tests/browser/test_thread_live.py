"""The thread page live (site/thread.js over /ws/live/) and the reading room (site/reading-room.js
over /ws/sessions/<id>/, its chat over /ws/live/) in headless Chromium against the real ASGI
server (tests/support/live.py, tests/support/session_room.py): two browser contexts, one per
party, each signed in by its own session cookie."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from bookings.services.messages import MAX_BODY
from tests.support.browser import PageGuard, assert_accessible
from tests.support.live import Member, thread_start
from tests.support.session_room import (  # noqa: F401 (fixtures: the room's own server)
    RATE,
    psychic_live,
    reading_cast,
    reading_start,
    room_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 3
VIEWPORT = {"width": 1280, "height": 800}
MASKED_BODY = "Call me on +44 7700 900123 or write to sam.fire@example.com"


@contextmanager
def signed_in(browser, server, member: Member):
    """A browser context holding ``member``'s session on their marketplace's host."""
    netloc = f"{member.host}:{server.port}"
    context = browser.new_context(base_url=f"http://{netloc}", viewport=VIEWPORT)
    name, value = member.cookie.split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": f"http://{netloc}"}])
    try:
        page = context.new_page()
        yield page, PageGuard(page, netloc)
    finally:
        context.close()


def _live(page):
    """The page's thread, once its socket said ready."""
    from playwright.sync_api import expect

    thread = page.locator("[data-live-thread]")
    expect(thread).to_have_attribute("data-state", "live")
    return thread


def _api_body(server, member: Member, thread_id: int, message_id: int) -> str:
    status, body = server.http(
        member.host, "GET", f"/api/v1/threads/{thread_id}/messages/", token=member.token
    )
    assert status == 200, body
    return next(m["body"] for m in body["results"] if m["id"] == message_id)


def test_two_parties_talk_live_on_the_thread_page(browser, asgi_server, live_cast):
    from playwright.sync_api import expect

    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    thread_id = thread_start(asgi_server, customer, provider)  # the customer says "Hello"
    with (
        signed_in(browser, asgi_server, provider) as (theirs, their_guard),
        signed_in(browser, asgi_server, customer) as (mine, my_guard),
    ):
        theirs.goto(f"/provider/messages/{thread_id}/")
        _live(theirs)  # open and visible: the provider has read "Hello"
        mine.goto(f"/dashboard/messages/{thread_id}/")
        _live(mine)
        my_messages, their_messages = (
            mine.locator("ol.messages > li"),
            theirs.locator("ol.messages > li"),
        )
        expect(my_messages.last.locator(".receipt")).to_have_text("Seen")

        # Typing shows at the other party; the message arrives there without a reload.
        composer = mine.locator("textarea[name=body]")
        composer.press_sequentially("Are you free on the 12th?", delay=40)
        typing = theirs.locator("[data-thread=typing]")
        expect(typing).to_be_visible()
        expect(typing).to_contain_text("typing…")
        mine.get_by_role("button", name="Send").click()
        expect(their_messages).to_have_count(2)
        expect(their_messages.last).to_contain_text("Are you free on the 12th?")
        expect(typing).to_be_hidden()
        expect(my_messages).to_have_count(2)
        expect(composer).to_have_value("")
        # The provider's page was visible when it arrived: read, and the customer sees it.
        expect(my_messages.last.locator(".receipt")).to_be_visible()
        expect(my_messages.first.locator(".receipt")).to_be_hidden()
        assert "/dashboard/messages/" not in " ".join(my_guard.requests[1:])  # no form post

        # The other way round, and contact details as the API masks them, on both pages.
        their_composer = theirs.locator("textarea[name=body]")
        their_composer.fill(MASKED_BODY)
        theirs.get_by_role("button", name="Send").click()
        expect(my_messages).to_have_count(3)
        message_id = int(my_messages.last.get_attribute("data-message-id"))
        masked = _api_body(asgi_server, customer, thread_id, message_id)
        assert "7700" not in masked and "example.com" not in masked
        expect(my_messages.last.locator(".body")).to_have_text(masked)
        expect(their_messages.last.locator(".body")).to_have_text(
            _api_body(asgi_server, provider, thread_id, message_id)
        )
        expect(their_messages.last).not_to_contain_text("7700")
        expect(their_messages.last.locator(".receipt")).to_have_text("Seen")

        # A refusal is the server's, shown above the form; the text stays to be corrected.
        too_long = "x" * (MAX_BODY + 1)
        composer.evaluate("(field, text) => { field.value = text; }", too_long)
        mine.get_by_role("button", name="Send").click()
        error = mine.locator("[data-thread=error]")
        expect(error).to_have_text(f"A message has at most {MAX_BODY} characters.")
        expect(my_messages).to_have_count(3)
        assert composer.input_value() == too_long

        assert_accessible(mine)
        my_guard.assert_clean()
        their_guard.assert_clean()


def test_a_dropped_socket_resumes_after_the_last_event_it_saw(browser, asgi_server, live_cast):
    """The page's socket is cut (Playwright stands between page and server); a message sent
    meanwhile arrives once it is back, asked for with ``last_event_id``."""
    from playwright.sync_api import expect

    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    thread_id = thread_start(asgi_server, customer, provider)
    opened: list[str] = []
    routes: list = []

    def through(ws) -> None:
        opened.append(ws.url)
        routes.append(ws)
        ws.connect_to_server()

    with signed_in(browser, asgi_server, provider) as (page, guard):
        page.route_web_socket(re.compile(r"/ws/live/"), through)
        page.goto(f"/provider/messages/{thread_id}/")
        thread = _live(page)
        assert "last_event_id=" in opened[0]
        routes[0].close(code=1001, reason="gone")
        expect(thread).to_have_attribute("data-state", "offline")
        status, body = asgi_server.http(
            customer.host, "POST", f"/api/v1/threads/{thread_id}/messages/",
            token=customer.token, body={"body": "Sent while you were away"},
        )  # fmt: skip
        assert status == 201, body
        expect(thread).to_have_attribute("data-state", "live")
        expect(page.locator("ol.messages > li").last).to_contain_text("Sent while you were away")
        assert len(opened) == 2 and "last_event_id=" in opened[1]
        guard.assert_clean()


def test_a_resync_loads_the_messages_again(browser, asgi_server, live_cast):
    """A page whose event id the server cannot resume from (older than it keeps) is told to
    resync, and loads its messages again: here the page lost its last one before the script
    ran (a real document, changed as it is parsed: Chromium does not let a page fulfilled by
    the test open a socket to a local address)."""
    from playwright.sync_api import expect

    customer, provider = live_cast.take("a"), live_cast.take("a", provider=True)
    thread_id = thread_start(asgi_server, customer, provider)
    stale = """var watching = new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.matches && node.matches("[data-live-thread]")) {
            node.setAttribute("data-last-event-id", "1-0");
          }
          if (node.matches && node.matches("li.message")) {
            node.remove();
            window.removedMessages = (window.removedMessages || 0) + 1;
          }
        });
      });
    });
    watching.observe(document, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", function () { watching.disconnect(); });"""
    with signed_in(browser, asgi_server, provider) as (page, guard):
        page.add_init_script(stale)
        page.goto(f"/provider/messages/{thread_id}/")
        _live(page)
        messages = page.locator("ol.messages > li.message")
        expect(messages).to_have_count(1)
        expect(messages).to_contain_text("Hello")
        assert page.evaluate("window.removedMessages") == 1  # the page had lost it
        guard.assert_clean()


@pytest.fixture(scope="module")
def readers(psychic_live, django_db_blocker):  # noqa: F811
    return reading_cast(psychic_live, django_db_blocker, {"chat": 20 * RATE})


def test_the_reading_room_meters_chats_and_ends_in_both_browsers(
    browser,
    room_server,  # noqa: F811
    readers,
):
    from playwright.sync_api import expect

    reading = readers["chat"]
    booking_id = reading_start(room_server, reading, channel="chat")
    with (
        signed_in(browser, room_server, reading.provider) as (theirs, their_guard),
        signed_in(browser, room_server, reading.customer) as (mine, my_guard),
    ):
        theirs.goto(f"/readings/{booking_id}/")
        mine.goto(f"/readings/{booking_id}/")
        _live(theirs), _live(mine)

        # The meter ticks (a "minute" is two seconds here) and the customer's balance falls.
        balance = mine.locator("[data-meter=balance_minor]")
        at_first = balance.inner_text()
        minutes = mine.locator("[data-meter=billed_minutes]")
        expect(minutes).not_to_have_text(re.compile(r"^[01]$"), timeout=15_000)
        expect(mine.locator("[data-meter=billed_minor]")).to_contain_text("$")
        expect(balance).not_to_have_text(at_first)
        expect(theirs.locator("[data-meter=billed_minutes]")).not_to_have_text(
            re.compile(r"^[01]$")
        )
        assert theirs.locator("[data-meter=balance_minor]").count() == 0

        # The reading's chat: a line from one appears at the other.
        mine.locator("textarea[name=body]").fill("What do the cards say?")
        mine.get_by_role("button", name="Send").click()
        expect(theirs.locator("ol.messages > li").last).to_contain_text("What do the cards say?")
        theirs.locator("textarea[name=body]").fill("Patience, then luck.")
        theirs.get_by_role("button", name="Send").click()
        expect(mine.locator("ol.messages > li").last).to_contain_text("Patience, then luck.")

        mine.get_by_role("button", name="End the reading").click()
        for page in (mine, theirs):
            expect(page.locator("[data-room=ended]")).to_be_visible()
            expect(page.get_by_role("button", name="End the reading")).to_be_hidden()
        assert_accessible(mine)
        my_guard.assert_clean()
        their_guard.assert_clean()
