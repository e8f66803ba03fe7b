"""A stream's page in headless Chromium against the real ASGI server (tests/support/live.py:
uvicorn serves the pages and the sockets): an anonymous visitor opens the page and sees the
viewer count, a chat line and a gift arrive live, sent by a signed-in fan's own socket. The
page loads nothing from another host but the stream's HLS playlist, whose ingest server is not
running here."""

from __future__ import annotations

import secrets

import pytest
from django.conf import settings

from tests.support.browser import PageGuard, assert_accessible
from tests.support.live_streams import (
    balance_committed,
    gift_committed,
    stream_live,
    stream_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]
CAST_SIZE = 1
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def staged(live_marketplaces, live_cast, django_db_blocker):
    """A provider, a fan with money and a gift of marketplace a, committed for the server."""
    provider, fan = live_cast.take("a", provider=True), live_cast.take("a")
    with django_db_blocker.unblock():
        gift = gift_committed(live_marketplaces["a"], price_minor=200, name="Lantern")
        balance_committed(fan, amount_minor=2000)
    return provider, fan, gift


def test_a_visitor_sees_the_count_a_chat_line_and_a_gift_arrive(browser, asgi_server, staged):
    from playwright.sync_api import expect

    provider, fan, gift = staged
    stream_id = stream_live(asgi_server, provider, title="Lanterns over the lake")
    netloc = f"{provider.host}:{asgi_server.port}"
    context = browser.new_context(base_url=f"http://{netloc}", viewport=VIEWPORT)
    try:
        page = context.new_page()
        guard = PageGuard(page, netloc)
        page.goto(f"/streams/{stream_id}/")
        expect(page.get_by_role("heading", name="Lanterns over the lake")).to_be_visible()
        count = page.locator("#viewer-count")
        expect(count).to_have_text("1")  # the page's own socket

        path = stream_path(stream_id)
        fan_socket = asgi_server.socket(provider.host, cookie=fan.cookie, path=path)
        fan_socket.frame_of("ready")
        expect(count).to_have_text("2")
        assert fan_socket.ask(type="chat.send", body="What a glow!")["type"] == "ok"
        expect(page.locator("#chat-lines li").last).to_contain_text("What a glow!")
        paid = fan_socket.ask(type="gift.send", ref=secrets.token_hex(8), gift_id=gift.pk)
        assert paid["type"] == "ok", paid
        expect(page.locator("#gift-lines li").last).to_contain_text("Lantern")
        fan_socket.close()
        expect(count).to_have_text("1")
        # Anonymous: no chat box, a way to log in instead.
        assert page.locator("#chat-form").count() == 0
        assert_accessible(page)

        hls = settings.SOUK_HLS_BASE_URL or "\0"
        guard.problems = [problem for problem in guard.problems if hls not in problem]
        guard.assert_clean()
    finally:
        context.close()
