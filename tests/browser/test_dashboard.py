"""The customer's dashboard in headless Chromium against the real server: a demo customer
opens a booking and its timeline, reads the refund before cancelling, cancels, writes to the
provider; on events, opens their tickets with the QR image from the site itself. Every page
axe-clean, no console error, no request to another host."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from demo.marketplaces import DEMO_PASSWORD
from tests.support.browser import assert_accessible
from tests.support.site_dashboard import demo_booking, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

# Notifications and the cancellation's refund run after commit, in the worker as in production.
LIVE_SITE = {"worker": True}


def test_a_customer_cancels_a_booking_seeing_the_refund_then_writes(browse, site):
    # The demo's fire bookings: one requested, one accepted, one with its deposit paid.
    booking, email = demo_booking(site, "fire-performers", state="confirmed")
    page, guard = browse("fire-performers")
    log_in(page, email, DEMO_PASSWORD)

    page.goto("/dashboard/")
    assert_accessible(page)
    page.get_by_role("link", name="Bookings", exact=True).click()
    page.locator(f"a[href='/dashboard/bookings/{booking.pk}/']").click()
    page.wait_for_url(f"**/dashboard/bookings/{booking.pk}/")
    timeline = page.locator(".timeline li")
    assert timeline.count() >= 3  # created, requested, accepted, deposit paid
    assert_accessible(page)

    page.get_by_role("link", name="Cancel this booking").click()
    refund = page.locator("#refund-amount")
    assert refund.inner_text().strip(), "no refund shown before confirming"
    assert_accessible(page)
    page.get_by_label("Reason (optional)").fill("Our plans changed.")
    page.get_by_role("button", name="Yes, cancel this booking").click()
    page.wait_for_url(f"**/dashboard/bookings/{booking.pk}/")
    assert "Your booking is cancelled." in page.locator(".notices").inner_text()
    assert "Cancelled" in page.locator(".lead").inner_text()

    page.get_by_role("link", name="Messages about this booking").click()
    page.get_by_label(re.compile(r"^Message:?$")).fill("Sorry to cancel, maybe next summer!")
    page.get_by_role("button", name="Send").click()
    # Sent over the page's socket (site/thread.js): it appears without a reload.
    expect(page.locator("#latest")).to_contain_text("maybe next summer")
    assert_accessible(page)
    guard.assert_clean()


def test_an_event_customer_opens_their_tickets(browse, site):
    booking, email = demo_booking(site, "events", state="issued")
    page, guard = browse("events")
    log_in(page, email, DEMO_PASSWORD)
    page.goto(f"/dashboard/bookings/{booking.pk}/")
    page.get_by_role("link", name="Your tickets").click()
    page.wait_for_url(f"**/dashboard/bookings/{booking.pk}/tickets/")
    qr = page.locator(".ticket img").first
    qr.wait_for()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    assert_accessible(page)
    guard.assert_clean()
