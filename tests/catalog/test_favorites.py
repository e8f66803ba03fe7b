from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from catalog.models import Favorite
from tests.support.client import api, assert_error
from tests.support.factories.accounts import user_in
from tests.support.factories.catalog import category_id, listing_type_id, provider_in


def _listing(marketplace, owner, publish=True, title="Show"):
    client = api(marketplace, owner.user)
    body = client.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(marketplace, "performance"),
            "category": category_id(marketplace, "fire-poi"),
            "title": title,
            "price_minor": 1000,
        },
    ).json()
    if publish:
        client.post(f"/api/v1/listings/{body['id']}/publish/")
    return body


def test_saving_is_idempotent_and_removal_is_204(fire):
    provider = provider_in(fire)
    customer_user = user_in(fire)
    customer = api(fire, customer_user)
    url = f"/api/v1/favorites/providers/{provider.pk}/"
    assert customer.post(url).status_code == 201
    again = customer.post(url)
    assert again.status_code == 200 and again.json()["provider"]["id"] == provider.pk
    assert customer.delete(url).status_code == 204
    assert customer.delete(url).status_code == 204
    with tenant_context(fire):
        assert not Favorite.objects.filter(user=customer_user).exists()
    # Providers may save too: any logged-in user.
    assert api(fire, provider_in(fire).user).post(url).status_code == 201


def test_refusals(fire, talent):
    owner = provider_in(fire)
    hidden = _listing(fire, owner, publish=False)
    customer = api(fire, user_in(fire))
    assert_error(customer.post(f"/api/v1/favorites/listings/{hidden['id']}/"), 404)
    assert_error(customer.post("/api/v1/favorites/providers/999999/"), 404)
    assert_error(api(fire).post(f"/api/v1/favorites/providers/{owner.pk}/"), 401)
    assert_error(api(fire).get("/api/v1/favorites/"), 401)
    live = _listing(fire, owner, title="Live")
    talent_customer = api(talent, user_in(talent))
    assert_error(talent_customer.post(f"/api/v1/favorites/listings/{live['id']}/"), 404)
    assert_error(talent_customer.post(f"/api/v1/favorites/providers/{owner.pk}/"), 404)
    assert talent_customer.get("/api/v1/favorites/").json()["count"] == 0


def _queries(client, page_size):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/favorites/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    return len(queries)


def test_the_list_keeps_a_constant_query_count(fire):
    customer = api(fire, user_in(fire))
    for n in range(10):
        owner = provider_in(fire)
        listing = _listing(fire, owner, title=f"Show {n}")
        customer.post(f"/api/v1/favorites/listings/{listing['id']}/")
        customer.post(f"/api/v1/favorites/providers/{owner.pk}/")
    assert _queries(customer, 2) == _queries(customer, 20)
    results = customer.get("/api/v1/favorites/").json()["results"]
    assert sum(1 for f in results if f["listing"]) == sum(1 for f in results if f["provider"]) == 10
