"""The search operations' query parameters in the OpenAPI schema are the serializers that
validate them: the same names, and what the schema allows is what the views accept."""

import re

import pytest

from catalog.api.search_params import (
    ListingSearchQuerySerializer,
    ProviderSearchQuerySerializer,
    SuggestQuerySerializer,
)
from catalog.models import Badge
from tests.support.client import api
from tests.support.search import get

OPENAPI = "application/vnd.oai.openapi+json"


@pytest.fixture
def parameters(fire):
    response = api(fire).get("/api/v1/schema/", HTTP_ACCEPT=OPENAPI)
    assert response.status_code == 200
    paths = response.json()["paths"]

    def of(kind: str) -> dict[str, dict]:
        listed = paths[f"/api/v1/search/{kind}/"]["get"]["parameters"]
        return {p["name"]: p for p in listed if p["in"] == "query"}

    return of


@pytest.mark.parametrize(
    ("kind", "serializer"),
    [
        ("listings", ListingSearchQuerySerializer),
        ("providers", ProviderSearchQuerySerializer),
        ("suggest", SuggestQuerySerializer),
    ],
)
def test_the_schema_names_exactly_the_parameters_the_serializer_takes(parameters, kind, serializer):
    assert set(parameters(kind)) == set(serializer().fields)


def test_types_formats_bounds_and_enums_are_stated(parameters):
    listings = {name: p["schema"] for name, p in parameters("listings").items()}

    assert listings["available_on"] == {"type": "string", "format": "date"}
    assert listings["badges"]["type"] == "array"
    assert listings["badges"]["items"]["enum"] == Badge.values
    assert listings["sort"]["enum"] == [
        "relevance",
        "price_asc",
        "price_desc",
        "rating",
        "distance",
        "newest",
    ]
    assert listings["tags_mode"]["enum"] == ["all", "any"]
    assert "packages" in listings["pricing"]["enum"]
    assert listings["radius_km"] == {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 1000,
    }
    assert listings["online"] == {"type": "boolean"}
    assert listings["min_price"]["type"] == "integer" and listings["min_price"]["minimum"] == 0
    assert "maximum" in listings["min_price"]


@pytest.mark.parametrize(
    "typed",
    ["fi", "f i", " fi ", "f", "  f  ", "\u00a0f\u00a0", "f\x1f", "\u3000f\u2003i", "ab\ncd"],
)
def test_suggest_accepts_exactly_what_the_q_pattern_matches(fire, parameters, typed):
    schema = parameters("suggest")["q"]["schema"]
    # JSON Schema patterns are searched for, not anchored.
    allowed = len(typed) >= schema["minLength"] and re.search(schema["pattern"], typed)

    status, _ = get(fire, "suggest", q=typed)

    assert status == (200 if allowed else 400)
