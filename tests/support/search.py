"""Requests to the search endpoints, each from an address of its own (search is throttled per
client address in Redis, which outlives each test's rollback)."""

from django.db import connection

from tests.support.client import api


def get(marketplace, path, **params):
    """GET a search endpoint on the marketplace's host; returns (status, body)."""
    before = connection.tenant
    client = api(marketplace, own_address=True)
    response = client.get(f"/api/v1/search/{path}/", params)
    # The request routed the connection to the host's schema; keep building in ours.
    connection.set_tenant(before)
    return response.status_code, response.json()


def titles(body):
    return [hit["title"] for hit in body["results"]]


def names(body):
    return [hit["display_name"] for hit in body["results"]]
