"""Every response carries a Content-Security-Policy, and every page obeys it.

Obeying means: no inline script and no on*= handler (script-src 'self'), scripts only from our
own origin and reachable, no style attribute, and inline <style> only with the nonce that this
response's policy names.
"""

import re
from html.parser import HTMLParser

import pytest
from django_tenants.utils import tenant_context

from accounts.models import User
from tenants.db import connection
from tests.support.client import ApiClient, api
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import event

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.script_sources: list[str] = []
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []
        self.style_nonces: list[str | None] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [f"{tag} {name}" for name in attributes if name.startswith("on")]
        if "style" in attributes:
            self.style_attributes.append(f"{tag} style={attributes['style']!r}")
        if tag == "style":
            self.style_nonces.append(attributes.get("nonce"))
        if tag == "script":
            if attributes.get("src"):
                self.script_sources.append(attributes["src"] or "")
            elif (attributes.get("type") or "").lower() in EXECUTABLE_SCRIPT_TYPES:
                self._in_inline_script = True

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_obeys_policy(response, client: ApiClient | None = None) -> _Page | None:
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["img-src"].split() == ["'self'", "data:"]
    self_, nonce = policy["style-src"].split()
    assert self_ == "'self'" and nonce.startswith("'nonce-") and len(nonce) > 20
    if not response["Content-Type"].startswith("text/html"):
        return None

    page = _Page()
    page.feed(response.content.decode())
    assert page.inline_scripts == 0
    assert page.handlers == []
    assert page.style_attributes == []
    assert all(f"'nonce-{found}'" == nonce for found in page.style_nonces), page.style_nonces
    for source in page.script_sources:
        assert source.startswith("/") and not source.startswith("//"), source
        if client is not None:
            script = client.get(source)
            assert script.status_code == 200, source
            # Read to the end: the test client then closes the file without closing the
            # test's database connection (which a plain close() would do).
            assert script.getvalue(), source
    return page


def test_a_marketplace_page_obeys_the_policy(fire):
    response = api(fire).get("/")

    assert response.status_code == 200
    page = assert_obeys_policy(response)
    # The theme's colours come from /theme.css, a stylesheet of the marketplace's own.
    assert page is not None and page.style_nonces == []


def test_each_response_gets_its_own_nonce(fire):
    client = api(fire)

    first, second = _policy(client.get("/")), _policy(client.get("/"))

    assert first["style-src"] != second["style-src"]


def test_the_api_sends_the_policy(fire):
    response = api(fire).get("/api/v1/marketplace/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_obeys_policy(response)


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_the_log_in_pages_obey_the_policy(fire, path):
    response = api(fire).get(path)

    assert response.status_code == 200
    assert_obeys_policy(response)


def test_the_admin_obeys_the_policy(fire):
    client = api(fire)
    assert_obeys_policy(client.get("/admin/login/"), client)
    with tenant_context(fire):
        owner = User.objects.create_superuser(email="csp-admin@example.com", password="x")
        client.force_login(owner)

    index = client.get("/admin/")

    assert index.status_code == 200
    assert_obeys_policy(index, client)


@pytest.mark.parametrize("host", ["fire", "operator"])
def test_the_api_docs_work_under_the_policy(fire, host):
    client = api(fire) if host == "fire" else api()

    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    page = assert_obeys_policy(response, client)
    assert page is not None
    (start_up,) = [src for src in page.script_sources if "script" in src.split("?", 1)[-1]]
    script = client.get(start_up)
    assert script["Content-Type"].startswith("application/javascript")
    assert script["Cross-Origin-Resource-Policy"] == "same-origin"  # it holds the CSRF token
    assert b"SwaggerUIBundle(" in script.content
    assert b'url: "/api/v1/schema/' in script.content


def test_the_operator_console_obeys_the_policy(fire):
    connection.set_schema_to_public()
    operator = User.objects.create_user(email="csp-ops@souk.test", password="x", is_staff=True)
    client = api()
    client.force_login(operator)

    response = client.get("/")

    assert response.status_code == 200
    assert fire.name in response.content.decode()
    assert_obeys_policy(response)


@pytest.mark.parametrize("path", ["/", "/api/v1/marketplace/"])
def test_routing_answers_for_unknown_hosts_carry_the_policy(db, path):
    response = api("nowhere.example.com").get(path)

    assert response.status_code == 404
    page = assert_obeys_policy(response)
    assert page is None or len(page.style_nonces) == 1


def test_the_ticket_page_prints_without_inline_script(make_marketplace):
    events = make_marketplace("events")
    _, profile = provider_party(events)
    customer = party(events)
    with tenant_context(events):
        listing = event(provider=profile)
        tier = listing.ticket_tiers.get()
    reserved = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "ticket_tier_id": tier.pk, "quantity": 1},
    ).json()
    from bookings.models import Attendee, Booking
    from bookings.services.payments import booking_mark_paid

    with tenant_context(events):
        booking = Booking.objects.get(pk=reserved["id"])
        booking_mark_paid(
            booking_id=booking.pk,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference=f"csp-{booking.pk}",
        )
        code = Attendee.objects.get(booking=booking).code
    client = api(events)

    response = client.get(f"/api/v1/tickets/{code}/page/")

    assert response.status_code == 200, response.content
    page = assert_obeys_policy(response, client)
    assert page is not None
    assert "data-print" in response.content.decode()
    # Under its hashed name once collectstatic has run (config/staticfiles.py).
    script = re.compile(r"/bookings/ticket-page(\.[0-9a-f]{12})?\.js$")
    assert any(script.search(src) for src in page.script_sources)
