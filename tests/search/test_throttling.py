"""Search and suggest are throttled per client (address, or user when logged in).

The address is the one DRF's throttles take (``get_ident``): a client cannot become many
clients by sending a different X-Forwarded-For each time.
"""

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from tests.support.client import api, fresh_address
from tests.support.factories.accounts import ProviderUserFactory, api_token_for

CHEAP = {
    # Refused by validation after the throttle: each costs no search.
    "listings": {"colour": "red"},
    "providers": {"colour": "red"},
    "suggest": {"q": "x"},
}


def _limit(scope: str, default: str) -> int:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope) or default
    number, period = rate.split("/")
    assert period.startswith("m"), "the test spends a rate per minute"
    return int(number)


@pytest.mark.parametrize(
    ("path", "scope", "default"),
    [
        ("listings", "search", "120/min"),
        ("providers", "search", "120/min"),
        ("suggest", "suggest", "600/min"),
    ],
)
def test_one_address_is_throttled_whatever_it_forwards(fire, path, scope, default):
    address = fresh_address()
    client = api(fire, REMOTE_ADDR=address)
    url = f"/api/v1/search/{path}/"
    for n in range(_limit(scope, default)):
        response = client.get(url, CHEAP[path], HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 250}")
        assert response.status_code == 400, (n, response.content)

    refused = client.get(url, CHEAP[path], HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "throttled" and set(body) == {"error", "message", "details"}
    assert 0 < int(refused["Retry-After"]) <= 60

    # Another address, and a logged-in user at the same address, have their own allowance.
    assert api(fire, own_address=True).get(url, CHEAP[path]).status_code == 400
    with tenant_context(fire):
        token = api_token_for(ProviderUserFactory())
    user_client = api(fire, REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert user_client.get(url, CHEAP[path]).status_code == 400


def test_listing_and_provider_search_share_one_allowance(fire):
    client = api(fire, own_address=True)
    limit = _limit("search", "120/min")
    for n in range(limit):
        path = ("listings", "providers")[n % 2]
        assert client.get(f"/api/v1/search/{path}/", CHEAP[path]).status_code == 400

    assert client.get("/api/v1/search/providers/").status_code == 429
    assert client.get("/api/v1/search/listings/").status_code == 429
