"""Rules the schema states: a request a schema-driven client builds from the schema is not
refused for a reason the schema keeps quiet about, and bad input is refused, not ignored."""

import pytest
from django_tenants.utils import tenant_context

from bookings.models import Booking
from tests.support.client import api
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import listing_of

OPENAPI = "application/vnd.oai.openapi+json"


def _schema(marketplace) -> dict:
    response = api(marketplace).get("/api/v1/schema/", HTTP_ACCEPT=OPENAPI)
    assert response.status_code == 200
    return response.json()


def _parameter(schema, path, name) -> dict:
    parameters = schema["paths"][path]["get"]["parameters"]
    found = [p for p in parameters if p["name"] == name and p["in"] == "query"]
    assert len(found) == 1, f"{path} has no query parameter {name}"
    return found[0]


@pytest.mark.parametrize("kind", ["listings", "providers"])
def test_page_size_bounds_are_in_the_schema(fire, kind):
    refused = api(fire).get(f"/api/v1/search/{kind}/", {"page_size": "0"})
    assert refused.status_code == 400

    parameter = _parameter(_schema(fire), f"/api/v1/search/{kind}/", "page_size")

    assert parameter["schema"]["minimum"] == 1
    assert parameter["schema"]["maximum"] == 50


def test_suggest_minimum_length_is_in_the_schema(fire):
    refused = api(fire).get("/api/v1/search/suggest/", {"q": ""})
    assert refused.status_code == 400

    parameter = _parameter(_schema(fire), "/api/v1/search/suggest/", "q")

    assert parameter["required"] is True
    assert parameter["schema"]["minLength"] == 2


@pytest.mark.parametrize("kind", ["listings", "providers"])
def test_sort_by_distance_says_it_needs_lat_and_lon(fire, kind):
    refused = api(fire).get(f"/api/v1/search/{kind}/", {"sort": "distance"})
    assert refused.status_code == 400
    assert "sort" in refused.json()["details"]

    schema = _schema(fire)
    sort = _parameter(schema, f"/api/v1/search/{kind}/", "sort")
    lat = _parameter(schema, f"/api/v1/search/{kind}/", "lat")

    assert "distance requires lat and lon" in sort["description"]
    assert "required together with lon" in lat["description"]


def test_messages_before_and_after_are_stated_mutually_exclusive(fire):
    schema = _schema(fire)
    path = next(p for p in schema["paths"] if p.endswith("/messages/") and "thread" in p)
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}

    assert "mutually exclusive with after" in parameters["before"]["description"]
    assert "mutually exclusive with before" in parameters["after"]["description"]
    assert parameters["before"]["schema"]["minimum"] == 0
    assert parameters["after"]["schema"]["minimum"] == 0


def _me_language_enum(marketplace) -> list:
    me = _schema(marketplace)["paths"]["/api/v1/me/"]["patch"]["requestBody"]["content"]
    ref = me["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    components = _schema(marketplace)["components"]["schemas"]
    language = components[ref]["properties"]["language"]
    if "$ref" in language or "allOf" in language or "oneOf" in language:
        refs = [language.get("$ref")] + [
            part.get("$ref") for part in language.get("allOf", []) + language.get("oneOf", [])
        ]
        return [
            value for r in refs if r for value in components[r.rsplit("/", 1)[-1]].get("enum", [])
        ]
    return language["enum"]


def test_me_language_is_an_enum_of_the_marketplace_languages(fire, talent):
    assert set(_me_language_enum(fire)) - {"", None} == {"en"}
    assert set(_me_language_enum(talent)) - {"", None} == {"ar", "en"}

    customer = party(fire)
    accepted = customer.api.patch("/api/v1/me/", {"language": "en"})
    refused = customer.api.patch("/api/v1/me/", {"language": "ar"})

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["language"] == "en"
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid"
    assert "language" in refused.json()["details"]


def _quote_listing(marketplace):
    _, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        return listing_of("quoted-service", provider=profile, price_minor=0)


@pytest.mark.parametrize("ends_at", ["not a time", "2027-02-30T10:00:00Z", "2027-06-12T25:00"])
def test_a_malformed_ends_at_is_refused_by_name(talent, ends_at):
    listing = _quote_listing(talent)
    customer = party(talent)

    response = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "note": "party", "ends_at": ends_at}
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert "ends_at" in response.json()["details"]


def test_ends_at_without_starts_at_is_refused_not_ignored(talent):
    listing = _quote_listing(talent)
    customer = party(talent)

    response = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "note": "party", "ends_at": "2027-06-12T21:00:00Z"},
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert response.json()["details"] == {"starts_at": ["Required together with ends_at."]}


def test_a_field_the_kind_does_not_read_is_refused(talent):
    listing = _quote_listing(talent)
    customer = party(talent)

    response = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "note": "party", "package_id": 1, "channel": "chat"},
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert set(response.json()["details"]) == {"package_id", "channel"}
    with tenant_context(talent):
        assert not Booking.objects.filter(listing=listing).exists()


def test_the_schema_says_which_kinds_read_a_booking_field(talent):
    schema = _schema(talent)
    body = schema["paths"]["/api/v1/bookings/"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]

    assert "Required together with ends_at" in properties["starts_at"]["description"]
    assert "given for another kind: 400" in properties["package_id"]["description"]
