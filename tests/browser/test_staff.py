"""The marketplace's staff change the theme's primary colour in the editor: the live preview
(theme-editor.js) and the "Preview" button show it in the framed home page, "Save" saves it,
and the home page shows it. Every page clean (no other host, no console error) and axe-clean."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import assert_accessible
from tests.support.site_staff_browser import staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]
# The site the other modules use (tests/browser/conftest.py shares it); no task is awaited here.
LIVE_SITE = {"worker": True}

PRESET = "events"  # light by default: its light primary is the one the home page shows
NEW_PRIMARY = "#0b5d1e"
NEW_PRIMARY_RGB = "rgb(11, 93, 30)"


def test_staff_change_the_primary_colour_preview_it_save_it_and_the_home_page_shows_it(browse):
    from playwright.sync_api import expect

    page, guard = browse(PRESET)
    staff_log_in(page, PRESET)

    page.goto("/staff/theme/")
    expect(page.get_by_role("heading", name="Theme", exact=True)).to_be_visible()
    assert_accessible(page)
    frame = page.frame_locator("#theme-preview-frame")
    button = frame.locator(".hero .button").first
    expect(button).not_to_have_css("background-color", NEW_PRIMARY_RGB)

    # As one types: the script posts the draft and the frame shows it.
    page.locator("#id_light_primary").fill(NEW_PRIMARY)
    expect(page.locator("#theme-preview-status")).to_have_text(
        re.compile("unsaved changes"), timeout=10_000
    )
    expect(button).to_have_css("background-color", NEW_PRIMARY_RGB, timeout=10_000)

    # Without the script: the "Preview" button does the same, keeping what was typed.
    page.get_by_role("button", name="Preview", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#id_light_primary")).to_have_value(NEW_PRIMARY)
    expect(frame.locator(".hero .button").first).to_have_css(
        "background-color", NEW_PRIMARY_RGB, timeout=10_000
    )
    assert_accessible(page)

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/staff/theme/?saved=1")
    expect(page.get_by_role("status")).to_contain_text("Saved")

    page.goto("/")
    expect(page.locator(".hero .button").first).to_have_css("background-color", NEW_PRIMARY_RGB)
    assert_accessible(page)
    guard.assert_clean()
