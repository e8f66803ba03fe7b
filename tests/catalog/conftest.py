import pytest
from django.test import Client

from catalog.models import Category, ListingType
from tests.catalog.factories import (
    ProviderProfileFactory,
    StaffUserFactory,
    token_for,
)
from tests.factories import VerifiedUserFactory, tenant_context


class Api:
    """A JSON client on one marketplace's host, logged in as ``user`` (or anonymous)."""

    def __init__(self, marketplace, user=None):
        self.marketplace = marketplace
        self.user = user
        extra = {"HTTP_HOST": marketplace.get_primary_domain().domain}
        if user is not None:
            with tenant_context(marketplace):
                extra["HTTP_AUTHORIZATION"] = f"Bearer {token_for(user)}"
        self.client = Client(**extra)

    def get(self, path, data=None):
        return self.client.get(path, data or {})

    def post(self, path, data=None):
        return self.client.post(
            path, data if data is not None else {}, content_type="application/json"
        )

    def put(self, path, data):
        return self.client.put(path, data, content_type="application/json")

    def patch(self, path, data):
        return self.client.patch(path, data, content_type="application/json")

    def delete(self, path):
        return self.client.delete(path)


def api(marketplace, user=None) -> Api:
    return Api(marketplace, user)


def user_in(marketplace, factory=VerifiedUserFactory, **fields):
    with tenant_context(marketplace):
        return factory(**fields)


def provider_in(marketplace, **fields):
    """A provider user with a profile, made through the table (not the API)."""
    with tenant_context(marketplace):
        return ProviderProfileFactory(**fields)


def staff_in(marketplace, **fields):
    return user_in(marketplace, StaffUserFactory, **fields)


def category_id(marketplace, slug):
    with tenant_context(marketplace):
        return Category.objects.get(slug=slug).pk


def listing_type_id(marketplace, slug):
    with tenant_context(marketplace):
        return ListingType.objects.get(slug=slug).pk


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "details"}, body
    if code:
        assert body["error"] == code, body
    return body


@pytest.fixture
def fire_provider(fire):
    return provider_in(fire)


@pytest.fixture
def fire_staff(fire):
    return staff_in(fire)


@pytest.fixture
def fire_customer(fire):
    return user_in(fire)
