"""Fixtures of the browser tests (tests/support/browser.py): one Chromium for the whole package,
a live site shared by the modules that ask for the same one, and a fresh browser context, page
and guard per ``browse()``.

A module asks for a Celery worker or the payment sandboxes with ``LIVE_SITE = {"worker":
True, "sandboxes": True}`` (the keywords of ``live_site``). Provisioning the five demo
marketplaces is most of a site's start, so consecutive modules asking for the same site share
it (tests make their own users and bookings); one site is up at a time (each provisions the same
``browser-`` marketplaces).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

import pytest

from tests.support.browser import (
    CHROMIUM_ARGS,
    LiveSite,
    PageGuard,
    chromium_executable,
    live_site,
)
from tests.support.live import (  # noqa: F401 (fixtures: the stream page's ASGI server)
    asgi_server,
    live_cast,
    live_marketplaces,
)

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked running in this thread while it is up,
    # and Django then refuses the ORM ("You cannot call this from an async context"). Nothing
    # runs concurrently with the tests here: the loop only carries Playwright's messages.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class _SiteSlot:
    """The one live site that is up, and the options it was started with."""

    def __init__(self, blocker) -> None:
        self.blocker = blocker
        self.key: tuple | None = None
        self.stack: contextlib.ExitStack | None = None
        self.site: LiveSite | None = None

    def get(self, options: dict) -> LiveSite:
        key = tuple(sorted(options.items()))
        if key != self.key or self.site is None:
            self.close()
            self.stack = contextlib.ExitStack()
            with self.blocker.unblock():
                self.site = self.stack.enter_context(live_site(**options))
            self.key = key
        return self.site

    def close(self) -> None:
        if self.stack is not None:
            with self.blocker.unblock():
                self.stack.close()
        self.key = self.stack = self.site = None


@pytest.fixture(scope="package")
def _site_slot(browser, django_db_setup, django_db_blocker, _settings_for_tests):
    slot = _SiteSlot(django_db_blocker)
    yield slot
    slot.close()


@pytest.fixture(scope="module")
def site(request, _site_slot, django_db_blocker):
    options = getattr(request.module, "LIVE_SITE", {})
    running = _site_slot.get(options)
    with django_db_blocker.unblock():
        yield running


@pytest.fixture
def browse(browser, site: LiveSite) -> Iterator[Callable]:
    """``page, guard = browse(preset)``: a new visitor (own cookies) on that marketplace, its
    page's relative URLs on the marketplace's host."""
    contexts = []

    def open_page(preset: str, **context_options):
        context = browser.new_context(
            base_url=site.url(preset), viewport=VIEWPORT, **context_options
        )
        contexts.append(context)
        page = context.new_page()
        return page, PageGuard(page, site.netloc(preset))

    yield open_page
    for context in contexts:
        context.close()
