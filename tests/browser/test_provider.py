"""The provider's side in headless Chromium against the real server: on fire-performers a
provider logs in and accepts a customer's date request; on freelancers a provider starts a
paid order and delivers it with a file. Each page clean (no other host, no error) and with no
serious accessibility violation."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import assert_accessible
from tests.support.site_provider_browser import (
    demo_date_request,
    demo_paid_order,
    log_in,
    state_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

# Booking notifications are mailed by the worker, as in production.
LIVE_SITE = {"worker": True}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_performer_accepts_a_date_request(browse, site):
    request = demo_date_request(site, "fire-performers")
    page, guard = browse("fire-performers")
    log_in(page, request.provider_email, next_path="/provider/")
    assert_accessible(page)
    link = page.locator(f"a[href='/provider/bookings/{request.booking_id}/']")
    assert link.count(), page.locator("main").inner_text()
    link.first.click()
    page.wait_for_url(f"**/provider/bookings/{request.booking_id}/")
    assert page.get_by_text("Garden party, 80 guests").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url(f"**/provider/bookings/{request.booking_id}/")
    assert page.get_by_role("status").get_by_text(re.compile("Done")).is_visible()
    assert state_of(site, "fire-performers", request.booking_id) == "accepted"
    guard.assert_clean()


def test_a_freelancer_delivers_an_order_with_a_file(browse, site):
    order = demo_paid_order(site, "freelancers")
    page, guard = browse("freelancers")
    log_in(page, order.provider_email, next_path=f"/provider/bookings/{order.booking_id}/")
    start = page.get_by_role("button", name="Start work")
    assert start.count(), page.locator("main").inner_text()
    start.click()
    page.wait_for_url(f"**/provider/bookings/{order.booking_id}/")
    page.get_by_label("Message").fill("Here is the first version.")
    page.get_by_label("File").set_input_files(
        {"name": "first-version.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert_accessible(page)
    page.get_by_role("button", name="Deliver", exact=True).click()
    page.wait_for_url(f"**/provider/bookings/{order.booking_id}/")
    assert page.get_by_role("link", name="first-version.pdf").is_visible()
    assert_accessible(page)
    assert state_of(site, "freelancers", order.booking_id) == "delivered"
    guard.assert_clean()
