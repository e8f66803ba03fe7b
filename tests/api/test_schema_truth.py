"""The OpenAPI schema says what the API answers: pages, nulls, 401s, NUL 400s, security."""

import pytest

from tests.api.schema_tools import (
    assert_matches,
    operation,
    resolved,
    response_schema,
    served_schema,
)
from tests.support.client import api
from tests.support.factories.accounts import user_in
from tests.support.factories.catalog import provider_in

PAGED_LISTS = [
    "/api/v1/bookings/",
    "/api/v1/favorites/",
    "/api/v1/notifications/",
    "/api/v1/threads/",
    "/api/v1/providers/{provider_id}/listings/",
    "/api/v1/providers/{provider_id}/vouches/",
]


@pytest.fixture
def schema(fire):
    return served_schema(fire)


@pytest.mark.parametrize("path", PAGED_LISTS)
def test_a_paged_list_is_documented_as_a_page_and_the_answer_fits(schema, fire, path):
    documented = response_schema(schema, "get", path, 200)
    page = resolved(schema, documented)
    assert page.get("type") == "object"
    assert page["properties"]["results"]["type"] == "array"
    assert {"count", "next", "previous", "results"} <= set(page["required"])

    provider = provider_in(fire)
    customer = api(fire, user_in(fire))
    customer.post(f"/api/v1/favorites/providers/{provider.pk}/")
    answer = customer.get(path.replace("{provider_id}", str(provider.pk)))

    assert answer.status_code == 200
    assert_matches(schema, answer.json(), documented)


def test_saving_a_provider_answers_what_the_schema_allows(schema, fire):
    provider = provider_in(fire)
    path = "/api/v1/favorites/providers/{target_id}/"
    answer = api(fire, user_in(fire)).post(path.replace("{target_id}", str(provider.pk)))

    assert answer.status_code == 201 and answer.json()["listing"] is None
    assert_matches(schema, answer.json(), response_schema(schema, "post", path, 201))


def test_401_is_documented_where_login_is_required_and_the_real_one_matches(schema, fire):
    path = "/api/v1/bookings/{booking_id}/"
    documented = response_schema(schema, "get", path, 401)
    answer = api(fire).get(path.replace("{booking_id}", "1"))

    assert answer.status_code == 401
    assert answer.json()["error"] == "not_authenticated"
    assert_matches(schema, answer.json(), documented)
    assert "not_authenticated" in operation(schema, "get", path)["responses"]["401"]["description"]


def test_a_refused_token_on_a_public_read_is_a_documented_401(schema, fire):
    documented = response_schema(schema, "get", "/api/v1/categories/", 401)
    answer = api(fire, HTTP_AUTHORIZATION="Bearer not-a-token").get("/api/v1/categories/")

    assert answer.status_code == 401
    assert answer.json()["error"] == "authentication_failed"
    assert_matches(schema, answer.json(), documented)


def test_every_operation_that_needs_login_documents_401(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
        if {} not in op.get("security", [{}]) and "401" not in op["responses"]
    ]
    assert missing == []


def test_a_nul_in_a_query_value_is_a_documented_400(schema, fire):
    path = "/api/v1/providers/{provider_id}/listings/"
    documented = response_schema(schema, "get", path, 400)
    provider = provider_in(fire)
    answer = api(fire).get(path.replace("{provider_id}", str(provider.pk)), {"page": "1\x00"})

    assert answer.status_code == 400 and answer.json()["error"] == "invalid"
    assert_matches(schema, answer.json(), documented)
    assert "NUL" in operation(schema, "get", path)["responses"]["400"]["description"]


def test_every_operation_with_parameters_documents_the_nul_400(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
        if op.get("parameters")
        and "NUL" not in op["responses"].get("400", {}).get("description", "")
    ]
    assert missing == []


@pytest.mark.parametrize("path", ["/api/v1/categories/", "/api/v1/listing-types/"])
def test_public_reads_say_anonymous_is_allowed_and_are(schema, fire, path):
    assert {} in operation(schema, "get", path)["security"]
    assert api(fire).get(path).status_code == 200


def test_staff_writes_do_not_say_anonymous_is_allowed(schema, fire):
    security = operation(schema, "post", "/api/v1/categories/")["security"]

    assert {} not in security and security
    assert api(fire).post("/api/v1/categories/", {"name": "x"}).status_code == 401
