"""For each preset, a new customer signs up, searches, opens a listing, books it through the
site's booking form, pays through the payment sandbox and sees the booking confirmed, against
the real server, the Celery worker (which applies the providers' notifications) and the
sandboxes. Every page of ours is held to the page guard (no other host) and axe-core.

The sandboxes' own pages (Stripe's hosted Checkout) are on another host, which the guard of
our pages must never see: the test reads our "Continue to Stripe" link, pays on that hosted
page over HTTP, and the browser follows where Checkout sends the customer back (our return
page), tests.support.site_checkout.stripe_checkout_pays. FIB is paid at the sandbox's test
hook, as a customer's banking app would, and FIB's callback is delivered to the marketplace's
webhook, whose task the Celery worker runs. The provider's side (accept, quote) goes over
the API with the provider's own token: the provider pages are another part of the site."""

from __future__ import annotations

import re
import urllib.parse
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.support.browser import assert_accessible, screenshots
from tests.support.site_checkout import (
    booking_id_of,
    customer_signs_up,
    fib_customer_pays,
    in_marketplace,
    provider_steps,
    stripe_checkout_pays,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

LIVE_SITE = {"worker": True, "sandboxes": True}
CONFIRMED = re.compile(r"Your booking is confirmed|Your balance is topped up")


def _listing(site, preset: str, pricing: str, **filters):
    from catalog.models import Listing

    with in_marketplace(site, preset):
        listing = (
            Listing.objects.filter(
                status=Listing.Status.PUBLISHED, listing_type__pricing=pricing, **filters
            )
            .select_related("provider__user")
            .order_by("pk")
            .first()
        )
        assert listing is not None, (preset, pricing, filters)
        return listing, listing.provider.user.email


def _search_and_open(page, listing) -> None:
    """From the search page (the title's words as keywords) to the listing."""
    page.goto("/search/?" + urllib.parse.urlencode({"q": listing.title, "kind": "listings"}))
    assert_accessible(page)
    page.locator(f"a[href='/listings/{listing.slug}/']").first.click()
    page.wait_for_url(f"**/listings/{listing.slug}/")
    assert_accessible(page)


def _checkout(page, preset: str, provider: str) -> None:
    """On the booking's checkout page: photograph it, choose ``provider``, go to payment."""
    page.wait_for_url("**/checkout/booking/*/")
    assert_accessible(page)
    screenshots(page, preset, "checkout")
    page.locator(f"input[name=provider][value={provider}]").check()
    page.locator("form.pay-form [type=submit]").click()
    page.wait_for_url(re.compile(r"/checkout/pay_[0-9a-f]+/$"))
    assert_accessible(page)


def _confirmed(page) -> None:
    """The return page waits, polls and shows the booking confirmed."""
    page.locator(".status .confirmed").wait_for(timeout=30_000)
    assert_accessible(page)


def _pay_by_stripe_and_see_it_confirmed(page, guard, preset: str) -> None:
    _checkout(page, preset, "stripe")
    stripe_checkout_pays(page)
    # The payment page polls the site and reloads when the payment has moved.
    _confirmed(page)
    assert CONFIRMED.search(page.locator(".status").inner_text())
    guard.assert_clean()


def _friday_ahead(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def test_fire_performers_date_request_accepted_deposit_paid_by_stripe(browse, site):
    preset = "fire-performers"
    listing, provider_email = _listing(site, preset, "date_slot")
    page, guard = browse(preset)
    customer_signs_up(page, site, preset)
    _search_and_open(page, listing)

    # Demo performers work Friday evenings; one far enough ahead to be free.
    friday = _friday_ahead(75)
    for _month in range(4):
        if page.locator(f"#day-{friday.isoformat()}").count():
            break
        page.locator(".calendar-head a", has_text="Next month").click()
    page.locator(f"label[for=day-{friday.isoformat()}]").click()
    page.fill("input[name=starts_at]", "19:00")
    page.fill("input[name=ends_at]", "21:00")
    page.fill("textarea[name=note]", "A garden party for 80 guests.")
    assert_accessible(page)
    page.locator("form.book-form [type=submit]").click()
    page.wait_for_url("**/checkout/booking/*/")
    assert page.locator("input[name=provider]").count() == 0  # nothing to pay yet

    provider_steps(site, preset, provider_email, booking_id_of(page), ("accept", None))
    page.reload()
    assert "deposit" in page.locator("#pay-title").inner_text().lower()
    _pay_by_stripe_and_see_it_confirmed(page, guard, preset)


def test_freelancers_package_order_paid_by_stripe(browse, site):
    preset = "freelancers"
    listing, _email = _listing(site, preset, "packages")
    page, guard = browse(preset)
    customer_signs_up(page, site, preset)
    _search_and_open(page, listing)
    page.locator("input[name=package_id]").first.check()
    page.fill("textarea[name=note]", "A logo with a fox, in blue.")
    page.locator("form.book-form [type=submit]").click()
    _pay_by_stripe_and_see_it_confirmed(page, guard, preset)


def test_events_tickets_of_two_tiers_paid_by_stripe(browse, site):
    from bookings.models import TicketLine
    from catalog.models import Listing

    preset = "events"
    with in_marketplace(site, preset):
        listing = next(
            listing
            for listing in Listing.objects.filter(
                status="published", starts_at__gt=timezone.now() + timedelta(days=3)
            ).order_by("pk")
            if sum(tier.remaining >= 2 for tier in listing.ticket_tiers.all()) >= 2
        )
        first, second = [tier for tier in listing.ticket_tiers.all() if tier.remaining >= 2][:2]
    page, guard = browse(preset)
    customer_signs_up(page, site, preset)
    _search_and_open(page, listing)
    page.fill(f"input[name=tier_{first.pk}]", "2")
    page.fill(f"input[name=tier_{second.pk}]", "1")
    page.locator("form.book-form [type=submit]").click()
    page.wait_for_url("**/checkout/booking/*/")
    booking_id = booking_id_of(page)
    with in_marketplace(site, preset):
        lines = TicketLine.objects.filter(booking_id=booking_id)
        assert {line.tier_id: line.quantity for line in lines} == {first.pk: 2, second.pk: 1}
    _pay_by_stripe_and_see_it_confirmed(page, guard, preset)


def test_psychic_readers_top_up_by_stripe_then_a_reading_from_the_balance(browse, site):
    preset = "psychic-readers"
    listing, reader_email = _listing(site, preset, "per_minute", provider__is_online=True)
    page, guard = browse(preset)
    customer_signs_up(page, site, preset)

    page.goto("/wallet/")
    assert_accessible(page)
    page.fill("input[name=amount]", "20")
    page.locator("input[name=provider][value=stripe]").check()
    page.locator("form[action='/wallet/'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/checkout/pay_[0-9a-f]+/$"))
    assert_accessible(page)
    screenshots(page, preset, "checkout")
    stripe_checkout_pays(page)
    _confirmed(page)
    page.goto("/wallet/")
    assert page.locator("[data-balance]").get_attribute("data-balance") == "2000"

    _search_and_open(page, listing)
    page.locator("input[name=channel][value=chat]").check()
    page.locator("form.book-form [type=submit]").click()
    page.wait_for_url("**/checkout/booking/*/")
    provider_steps(site, preset, reader_email, booking_id_of(page), ("accept", None))
    page.reload()
    assert page.locator(".state").get_attribute("data-state") == "accepted"
    assert "from your balance" in page.locator(".next-step").inner_text()
    assert_accessible(page)
    guard.assert_clean()


def test_talent_iq_quote_accepted_and_paid_by_fib_in_arabic(browse, site):
    from billing.models import Payment

    preset = "talent-iq"
    listing, provider_email = _listing(site, preset, "quote")
    page, guard = browse(preset)
    customer_signs_up(page, site, preset)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    _search_and_open(page, listing)
    assert page.get_by_role("link", name="بحث").count() > 0  # the site speaks Arabic
    page.fill("textarea[name=note]", "أمسية عزف عود لأربعين ضيفاً")
    page.locator("form.book-form [type=submit]").click()
    page.wait_for_url("**/checkout/booking/*/")
    provider_steps(
        site, preset, provider_email, booking_id_of(page), ("quote", {"price_minor": 50_000_000})
    )
    page.reload()
    page.locator("form[action$='/accept/'] [type=submit]").click()
    page.wait_for_url("**/checkout/booking/*/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    _checkout(page, preset, "fib")
    qr = page.locator("img.qr")
    assert (qr.get_attribute("src") or "").startswith("data:image/png;base64,")
    code = page.locator(".readable-code strong").inner_text()
    assert code.strip()
    reference = page.url.rstrip("/").split("/")[-1]
    with in_marketplace(site, preset):
        provider_ref = wait_until(
            lambda: (
                Payment.objects.filter(reference=reference)
                .values_list("provider_ref", flat=True)
                .first()
            ),
            what="the FIB payment",
        )
    # The customer pays in FIB's app: the sandbox decides and calls the marketplace back.
    fib_customer_pays(site, preset, provider_ref)
    _confirmed(page)
    assert page.locator("html").get_attribute("dir") == "rtl"
    guard.assert_clean()
