"""Fixtures of the browser tests (tests/support/browser.py): one Chromium for the whole package,
one live site per module, and a fresh browser context, page and guard per ``browse()``.

A module asks for a Celery worker or the payment sandboxes with ``LIVE_SITE = {"worker":
True, "sandboxes": True}`` (the keywords of ``live_site``).
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def site(request, browser, django_db_setup, django_db_blocker, _settings_for_tests):
    options = getattr(request.module, "LIVE_SITE", {})
    with django_db_blocker.unblock(), live_site(**options) as running:
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
