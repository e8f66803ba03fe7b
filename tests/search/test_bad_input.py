import pytest

from tests.support.search import get


@pytest.mark.parametrize("path", ["listings", "providers"])
def test_unknown_filters_are_listed(fire, path):
    status, body = get(fire, path, colour="red", q="fire", sizes="xl")

    assert status == 400
    assert body["error"] == "unknown_filter"
    assert body["details"]["unknown"] == ["colour", "sizes"]
    assert set(body) == {"error", "message", "details"}


def test_within_travel_radius_is_not_a_listing_filter(fire):
    status, body = get(fire, "listings", within_travel_radius="true", lat=1, lon=1)

    assert (status, body["error"]) == (400, "unknown_filter")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "north", "lon": "0"}, "lat"),
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "-90.5", "lon": "0"}, "lat"),
        ({"lat": "10", "lon": "181"}, "lon"),
        ({"lat": "10"}, "lon"),
        ({"radius_km": "5"}, "radius_km"),
        ({"lat": "10", "lon": "10", "radius_km": "0"}, "radius_km"),
        ({"lat": "10", "lon": "10", "radius_km": "-3"}, "radius_km"),
        ({"lat": "nan", "lon": "10"}, "lat"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "-500"}, "max_price"),
        ({"min_price": "12.5"}, "min_price"),
        ({"min_price": "500", "max_price": "100"}, "max_price"),
        ({"rating": "6"}, "rating"),
        ({"badges": "insurance,astronaut"}, "badges"),
        ({"available_on": "next tuesday"}, "available_on"),
        ({"sort": "random"}, "sort"),
        ({"sort": "distance"}, "sort"),
        ({"sort": "relevance"}, "sort"),
        ({"page_size": "51"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"tags_mode": "some"}, "tags_mode"),
        ({"online": "perhaps"}, "online"),
        ({"category": "no-such-category"}, "category"),
        ({"pricing": "barter"}, "pricing"),
        ({"type": "no-such-type"}, "type"),
        ({"min_price": "99999999999999999999"}, "min_price"),
        ({"page_size": "12.0"}, "page_size"),
        ({"available_on": "20300107"}, "available_on"),
        ({"currency": "ÄÖÜ"}, "currency"),
    ],
)
def test_malformed_values_are_400_with_the_field(fire, params, field):
    status, body = get(fire, "listings", **params)

    assert status == 400
    assert body["error"] == "invalid"
    assert field in body["details"]


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJrIjpbMV19", "x" * 300, "e30:1u2v3w:abcdefghijklmnopqrstuvwx"]
)
def test_bad_cursor(fire, cursor):
    status, body = get(fire, "listings", cursor=cursor)

    assert (status, body["error"]) == (400, "invalid_cursor")


def test_cursor_of_another_sort_is_rejected(fire, in_fire):
    provider = in_fire.provider("P")
    for i in range(3):
        in_fire.listing(provider, f"Act {i}", category="fire")
    _, body = get(fire, "listings", sort="price_asc", page_size=1)

    status, error = get(fire, "listings", sort="newest", cursor=body["next_cursor"])

    assert (status, error["error"]) == (400, "invalid_cursor")


def test_suggest_bad_input(fire):
    short_status, short = get(fire, "suggest", q="f")
    unknown_status, unknown = get(fire, "suggest", q="fire", limit="50")

    assert (short_status, short["error"]) == (400, "invalid")
    assert (unknown_status, unknown["error"]) == (400, "unknown_filter")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("listings", {"q": "fire\x00"}, "q"),
        ("listings", {"tags": "\x00"}, "tags"),
        ("providers", {"q": "\x00", "sort": "rating"}, "q"),
        ("suggest", {"q": "fi\x00re"}, "q"),
    ],
)
def test_nul_characters_are_400_not_a_database_error(fire, path, params, field):
    status, body = get(fire, path, **params)

    assert status == 400
    assert (body["error"], list(body["details"])) == ("invalid", [field])


def test_nul_characters_are_refused_on_every_endpoint(fire):
    from tests.support.client import api

    response = api(fire).get("/api/v1/categories/", {"parent": "\x00"})
    in_path = api(fire).get("/api/v1/listings/by-slug/fire%00poi/")

    assert response.status_code == 400
    assert response.json()["details"] == {"parent": ["Contains a NUL character."]}
    assert in_path.status_code == 400
    assert in_path.json()["details"] == {"path": ["Contains a NUL character."]}


def _every_parameter(kind):
    from catalog.api.search_params import (
        ListingSearchQuerySerializer,
        ProviderSearchQuerySerializer,
    )

    serializer = (
        ListingSearchQuerySerializer if kind == "listings" else ProviderSearchQuerySerializer
    )
    return [(kind, name) for name in sorted(serializer().fields)]


@pytest.mark.parametrize(
    ("path", "name"), _every_parameter("listings") + _every_parameter("providers")
)
def test_a_parameter_given_empty_is_refused_by_name(fire, path, name):
    status, body = get(fire, path, **{name: ""})

    assert status == 400
    assert body["error"] == "invalid"
    assert name in body["details"]


def test_an_empty_value_among_repeated_tags_is_refused(fire):
    from tests.support.client import api

    response = api(fire).get("/api/v1/search/listings/?tags=fire&tags=")

    assert response.status_code == 400
    assert "tags" in response.json()["details"]


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("listings", "page_size=1&page_size=2", "page_size"),
        ("providers", "sort=rating&sort=newest", "sort"),
        ("suggest", "q=fire&q=juggling", "q"),
    ],
)
def test_a_parameter_given_twice_is_refused_by_name(fire, path, query, name):
    from tests.support.client import api

    client = api(fire, own_address=True)
    response = client.get(f"/api/v1/search/{path}/?{query}")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["details"] == {name: ["Repeated parameter."]}


def test_tags_and_badges_may_repeat(fire):
    status, _ = get(fire, "providers", tags=["fire", "led"], badges=["insurance", "DBS"])

    assert status == 200
