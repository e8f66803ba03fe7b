"""Helpers of the checkout browser journeys (tests/browser/test_checkout.py): a new customer
signs up through allauth's pages (by field names, so the Arabic site is driven alike), the
provider's side over the live site's HTTP API with their own token, and the payment
sandboxes' customer side.

The live site runs in another process on committed data, so the test never writes to the
database itself: the provider accepts or quotes over the API, as their app would; the test
only reads (which listing to book, a payment's reference at the provider)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any

from django_tenants.utils import tenant_context
from playwright.sync_api import Error as PlaywrightError

from tests.support.browser import LiveSite, assert_accessible
from tests.support.stripe_sandbox import visit

PASSWORD = "Lantern-quiet-harbour-42"
DEMO_PASSWORD = "souk-demo-2026"  # demo.marketplaces.DEMO_PASSWORD


def marketplace_of(site: LiveSite, preset: str):
    from tenants.models import Domain

    return Domain.objects.select_related("tenant").get(domain=site.domains[preset]).tenant


def in_marketplace(site: LiveSite, preset: str):
    """The test reads ``preset``'s schema (``with in_marketplace(...):``)."""
    return tenant_context(marketplace_of(site, preset))


def customer_signs_up(page, site: LiveSite, preset: str) -> str:
    """A new customer signs up, confirms their address from the mail and logs in; their
    e-mail. Every page on the way is checked by axe."""
    email = f"checkout-{preset}-{secrets.token_hex(4)}@example.com"
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form:has(input[name=password1]) [type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    page.goto(site.mail_link(email, "/accounts/confirm-email/"))
    page.locator("form[method=post] [type=submit]").first.click()
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    page.wait_for_url(site.url(preset, "/"))
    assert_accessible(page)
    return email


def site_api(
    site: LiveSite, preset: str, method: str, path: str, body: dict | None = None,
    token: str = "", key: str = "",
) -> tuple[int, Any]:  # fmt: skip
    """(status, JSON) of a request to the live site's API, on ``preset``'s host."""
    headers = {"Host": site.netloc(preset), "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.port}{path}", data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, _body(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, _body(error.read())


def _body(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")


def api_token(site: LiveSite, preset: str, email: str, password: str = DEMO_PASSWORD) -> str:
    status, body = site_api(
        site, preset, "POST", "/api/v1/auth/login/", {"email": email, "password": password}
    )
    assert status == 200, body
    return body["token"]


def provider_steps(site: LiveSite, preset: str, email: str, booking_id: int, *steps) -> dict:
    """The provider takes ``steps`` (name, body) of the booking over the API; its last state."""
    token = api_token(site, preset, email)
    body: dict = {}
    for name, data in steps:
        status, body = site_api(
            site, preset, "POST", f"/api/v1/bookings/{booking_id}/transitions/{name}/",
            data or {}, token=token,
        )  # fmt: skip
        assert status == 200, (name, body)
    return body


def booking_id_of(page) -> int:
    """The booking id of the checkout page the browser is on (/checkout/booking/<id>/)."""
    return int(page.url.rstrip("/").split("/")[-1])


def stripe_checkout_pays(page) -> None:
    """The customer pays on the Stripe sandbox's hosted Checkout (the page our "Continue to
    Stripe" link names) with the test Visa card, and comes back to our return page. The hosted
    page is on another host, which the page guard of our pages must never see: it is posted
    over HTTP here, and the browser follows where Checkout sends the customer back."""
    url = page.locator("a.pay-link").get_attribute("href")
    assert url and "/c/pay/" in url, url
    status, _location, _html = visit(url)
    assert status == 200, (status, url)
    status, back, html = visit(url, {"card": "visa", "action": "pay"})
    assert status == 303 and "/checkout/return/" in back, (status, back, html[:500])
    try:
        page.goto(back)
    except PlaywrightError as error:
        # Stripe's webhook may settle the payment first: the page's poll then reloads it,
        # cutting this navigation short; either way the page shows where the payment stands.
        if "ERR_ABORTED" not in str(error):
            raise


def fib_customer_pays(site: LiveSite, preset: str, provider_ref: str) -> None:
    """The customer pays in FIB's app (the sandbox's test hook), and FIB's callback reaches the
    marketplace's webhook (relayed here: the sandbox, in this process, cannot resolve the
    site's *.localhost name); the Celery worker asks FIB and settles the payment."""
    site.sandboxes["fib"].hook(
        f"/__sandbox/payments/{provider_ref}/outcome", {"outcome": "paid", "callback": False}
    )
    status, body = site_api(
        site, preset, "POST", "/api/v1/payments/webhooks/fib/",
        {"id": provider_ref, "status": "PAID"},
    )  # fmt: skip
    assert status in (200, 202), body


def wait_until(found, *, seconds: float = 20, what: str = "it") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds}s for {what}")
