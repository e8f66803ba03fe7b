"""The wallet across marketplaces and customers: a payment link works only on its own
marketplace's host; one customer's top-ups and auto-reload settings are nobody else's, here
or on another marketplace."""

from django_tenants.utils import tenant_context

from billing.models import AutoReload, SavedPaymentMethod
from billing.services.payment_links import payment_link_url
from tests.support.client import api, assert_error
from tests.support.factories.bookings import party


def _link_path(marketplace, subject: str) -> str:
    with tenant_context(marketplace):
        url = payment_link_url(subject=subject)
    return url[url.index("/pay/") :]


def test_a_payment_link_is_found_only_on_its_own_marketplaces_host(talent, fire):
    path = _link_path(talent, "booking:1")
    assert api(talent).get(path).status_code == 200
    assert api(fire).get(path).status_code == 404
    assert api(fire).post_form(path, {"provider": "fib"}).status_code == 404
    # A token changed by one character is no token.
    token = path.split("/")[2]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert api(talent).get(f"/pay/{forged}/").status_code == 404


def test_another_customers_top_ups_and_auto_reload_are_invisible(talent, fire, fib_books):
    owner, stranger = party(talent), party(talent)
    opened = owner.api.post(
        "/api/v1/wallet/top-ups/",
        {"amount_minor": 10_000_000, "currency": "IQD", "provider": "fib",
         "return_url": "https://talent-test.localhost/wallet"},
        HTTP_IDEMPOTENCY_KEY="owner-top-up-1",
    )  # fmt: skip
    assert opened.status_code == 201, opened.content
    reference = opened.json()["reference"]
    with tenant_context(talent):
        method = SavedPaymentMethod.objects.create(
            user=owner.user, provider="fib", customer_ref="c", method_ref="m-owner"
        )
        AutoReload.objects.create(user=owner.user, currency="IQD", threshold_minor=1,
                                  amount_minor=10_000_000, method=method)  # fmt: skip

    assert stranger.api.get("/api/v1/wallet/top-ups/").json()["results"] == []
    assert_error(stranger.api.get(f"/api/v1/payments/{reference}/"), 404)
    assert_error(stranger.api.get("/api/v1/wallet/auto-reload/IQD/"), 404)
    assert stranger.api.get("/api/v1/wallet/auto-reload/").json() == []
    # The stranger may not point their settings at the owner's method.
    body = {"enabled": False, "threshold_minor": 1, "amount_minor": 1000, "method_id": method.pk}
    assert_error(stranger.api.put("/api/v1/wallet/auto-reload/IQD/", body), 404,
                 "method_not_found")  # fmt: skip

    # On another marketplace, with the same ids, there is nothing.
    elsewhere = party(fire)
    assert elsewhere.api.get("/api/v1/wallet/top-ups/").json()["results"] == []
    assert_error(elsewhere.api.get(f"/api/v1/payments/{reference}/"), 404)
    assert elsewhere.api.get("/api/v1/wallet/auto-reload/").json() == []
    assert_error(elsewhere.api.put("/api/v1/wallet/auto-reload/GBP/", body), 404,
                 "method_not_found")  # fmt: skip
    # The owner's token on another host is refused.
    replayed = api(fire)
    replayed.defaults["HTTP_AUTHORIZATION"] = owner.api.defaults["HTTP_AUTHORIZATION"]
    assert replayed.get("/api/v1/wallet/top-ups/").status_code == 401
