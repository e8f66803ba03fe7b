"""A JSON field takes the JSON type the schema gives it: DRF's form-minded coercions are off."""

import pytest

from tests.support.client import api, assert_error
from tests.support.factories.accounts import staff_in, user_in
from tests.support.factories.catalog import provider_in


@pytest.mark.parametrize(
    "change",
    [
        {"display_name": 0},  # a number for a string
        {"display_name": ["Sam"]},
        {"travel_radius_km": "5"},  # a string for an integer
        {"travel_radius_km": 5.5},
        {"travel_radius_km": True},
        {"latitude": "51.5", "longitude": -2.5},  # a string for a number
    ],
)
def test_a_value_of_another_json_type_is_refused(fire, change):
    client = api(fire, provider_in(fire).user)

    body = assert_error(client.patch("/api/v1/provider-profile/", change), 400, "invalid")

    assert set(change) & set(body["details"])


def test_a_boolean_takes_only_true_or_false(fire):
    client = api(fire, provider_in(fire).user)

    for value in ("true", 1, "yes"):
        refused = client.post("/api/v1/provider-profile/online/", {"is_online": value})
        assert_error(refused, 400, "invalid")
    assert client.post("/api/v1/provider-profile/online/", {"is_online": True}).status_code == 200


def test_values_of_the_right_type_still_pass(fire):
    client = api(fire, user_in(fire))

    changed = client.patch("/api/v1/me/", {"display_name": "Sam"})

    assert changed.status_code == 200 and changed.json()["display_name"] == "Sam"


def test_form_bodies_are_refused_where_only_json_is_read(fire):
    staff = api(fire, staff_in(fire))

    response = staff.post(
        "/api/v1/categories/", "name=Juggling", content_type="application/x-www-form-urlencoded"
    )

    assert_error(response, 415, "unsupported_media_type")
