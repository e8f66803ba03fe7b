"""Each host documents what it serves: the operator host its operator API, a marketplace host
the marketplace API, and neither the other's paths."""

import pytest

from tests.support.client import ApiClient, api

pytestmark = pytest.mark.django_db

OPENAPI = "application/vnd.oai.openapi+json"
NO_ROUTE = "No API operation has this address."  # api/handlers.py: an unrouted path
OPERATOR_PATHS = {
    "/api/v1/operator/marketplaces/",
    "/api/v1/operator/marketplaces/{slug}/",
    "/api/v1/operator/marketplaces/{slug}/suspend/",
    "/api/v1/operator/marketplaces/{slug}/resume/",
    "/api/v1/operator/marketplaces/{slug}/restore/",
    "/api/v1/operator/auth/login/",
    "/api/v1/operator/auth/logout/",
    "/api/v1/operator/auth/tokens/",
}


def _schema(client: ApiClient) -> dict:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT=OPENAPI)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_the_operator_host_documents_the_operator_api_only():
    schema = _schema(api())

    paths = set(schema["paths"])
    assert not OPERATOR_PATHS - paths, sorted(OPERATOR_PATHS - paths)
    assert paths == {p for p in paths if p.startswith("/api/v1/operator/")}, sorted(paths)
    assert "delete" in schema["paths"]["/api/v1/operator/marketplaces/{slug}/"]
    assert "/api/v1/auth/login/" not in paths
    assert "operator" in schema["info"]["title"].lower()


def test_every_documented_operator_path_is_served_on_the_operator_host(operator):
    schema = _schema(api())

    for path, operations in schema["paths"].items():
        concrete = (
            path.replace("{slug}", "no-such-marketplace")
            .replace("{id}", "1")
            .replace("{path}", "site/home.html")
        )
        for method in operations:
            response = getattr(operator, method)(concrete, content_type="application/json")
            # A documented address is routed: at most its object is missing.
            assert response.status_code != 405, (method, path)
            if response.status_code == 404:
                assert response.json()["message"] != NO_ROUTE, (method, path)


def test_a_marketplace_host_documents_no_operator_path(fire):
    schema = _schema(api(fire))

    paths = set(schema["paths"])
    assert "/api/v1/auth/login/" in paths
    assert not {p for p in paths if p.startswith("/api/v1/operator/")}
    assert "operator" not in schema["info"]["title"].lower()
