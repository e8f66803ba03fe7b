"""Every preset's site in headless Chromium against the real server: the home page loads with
no request to another host, no console error, no serious accessibility violation, and is
photographed at 390 and 1280 px; a new customer signs up through allauth's pages and is
logged in, and a customer logs in by a magic link mailed by the Celery worker; and the page
guard itself fails what it must."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.support.browser import assert_accessible, page_fetch, screenshots

# django_db: pytest-django sets the test database up only for a run with tests that ask for it.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

# The site's tasks (the magic link's mail) run in a Celery worker, as in production.
LIVE_SITE = {"worker": True}
PRESETS = ("events", "fire-performers", "freelancers", "psychic-readers", "talent-iq")
PASSWORD = "Lantern-quiet-harbour-42"


@pytest.mark.parametrize("preset", PRESETS)
def test_home_page_is_clean_accessible_and_photographed(browse, preset):
    page, guard = browse(preset)
    response = page.goto("/")
    assert response is not None and response.status == 200
    # First, so that a failing page is still there to look at.
    for path in screenshots(page, preset, "home"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    guard.assert_clean()
    assert guard.requests, "the guard saw no request"
    assert_accessible(page)


@pytest.mark.parametrize("preset", PRESETS)
def test_a_visitor_searches_opens_a_profile_and_a_listing(browse, preset):
    """From the home page's search box to the results, a provider's profile and a listing:
    each page clean, accessible and photographed."""
    page, guard = browse(preset)
    page.goto("/")
    # Typing a featured listing's first letters brings suggestions from the API.
    title = page.locator(".card h3 a").first.inner_text()
    word = max(title.split(), key=len)
    page.locator("#hero-search").press_sequentially(word[:5], delay=30)
    suggestions = page.locator("#hero-search-suggestions option")
    suggestions.first.wait_for(state="attached")
    texts = suggestions.evaluate_all("options => options.map(o => o.value)")
    assert any(word[:5].lower() in text.lower() for text in texts), (word, texts)
    page.locator("#hero-search").fill("")
    page.locator("form.search-box button[type=submit]").click()
    page.wait_for_url("**/search/**")
    assert page.locator(".card").count() > 0, "the search found nothing"
    # A facet narrows the search to a category, with the filter kept in the form.
    facet = page.locator("#facets-title ~ ul.facet-list a").first
    facet.click()
    page.wait_for_url("**category=**")
    assert page.locator(".card").count() > 0, "the category facet found nothing"
    assert page.locator("#search-category").input_value() != ""
    screenshots(page, preset, "search")
    assert_accessible(page)

    listing = page.locator(".card h3 a").first
    listing.click()
    page.wait_for_url("**/listings/**")
    screenshots(page, preset, "listing")
    assert_accessible(page)

    page.locator("a[href*='/providers/']").first.click()
    page.wait_for_url("**/providers/**")
    screenshots(page, preset, "profile")
    assert_accessible(page)
    guard.assert_clean()


def test_a_new_customer_signs_up_and_is_logged_in(browse, site):
    page, guard = browse("fire-performers")
    email = f"new-customer-{secrets.token_hex(4)}@example.com"
    page.goto("/accounts/signup/")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    guard.expect("/api/v1/me/", 401)
    assert page_fetch(page, "/api/v1/me/")[0] == 401  # not before the address is verified

    page.goto(site.mail_link(email, "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    # allauth confirms the address and asks for a log-in (in this browser too).
    page.wait_for_url("**/accounts/login/")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(site.url("fire-performers", "/"))
    status, me = page_fetch(page, "/api/v1/me/")
    assert status == 200 and me["email"] == email, me
    guard.assert_clean()


def test_a_customer_logs_in_by_the_magic_link_the_worker_mails(browse, site):
    from demo.marketplaces import demo_marketplaces

    (events,) = [demo for demo in demo_marketplaces() if demo.preset == "events"]
    email = events.customers[0].email
    page, guard = browse("events")
    page.goto("/")
    status, body = page_fetch(
        page, "/api/v1/auth/magic-link/", method="POST", body={"email": email}
    )
    assert status == 202, body

    page.goto(site.mail_link(email, "/accounts/magic/"))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.url("events", "/"))
    status, me = page_fetch(page, "/api/v1/me/")
    assert status == 200 and me["email"] == email, me
    guard.assert_clean()


def test_log_in_page_and_api_docs_are_clean(browse):
    page, guard = browse("talent-iq")
    assert page.goto("/accounts/login/").status == 200
    assert_accessible(page)
    assert page.goto("/api/v1/docs/").status == 200
    page.locator(".opblock").first.wait_for()  # Swagger UI drew the operations
    guard.assert_clean()


def test_the_guard_fails_other_hosts_missing_files_and_console_errors(browse):
    # The site's Content-Security-Policy would stop the request to another host in the page
    # itself; without it, the guard is what must see it.
    page, guard = browse("events", bypass_csp=True)
    page.goto("/")
    page.evaluate("() => fetch('https://cdn.example.com/lib.js').catch(() => null)")
    page.evaluate("() => fetch('/static/no-such-file.css')")
    page.evaluate("() => console.error('something broke')")
    with pytest.raises(AssertionError) as failed:
        guard.assert_clean()
    report = str(failed.value)
    assert "request to another host: GET https://cdn.example.com/lib.js" in report
    assert f"404 for GET {page.url}static/no-such-file.css" in report
    assert "console error: something broke" in report
