"""Page-number lists stop at a fixed depth: deep offsets cost a scan for nothing a person reads."""

from tests.support.client import api, assert_error
from tests.support.factories.catalog import provider_in


def _listings(fire, provider, **params):
    return api(fire, own_address=True).get(f"/api/v1/providers/{provider.pk}/listings/", params)


def test_a_page_past_a_thousand_rows_is_not_served(fire):
    # A 404, as for a page past the last: the page does not exist; the message says what does.
    provider = provider_in(fire)

    deep = assert_error(_listings(fire, provider, page=51, page_size=20), 404, "page_too_deep")
    assert "narrow" in deep["message"] and deep["details"]["max_depth"] == 1000
    assert_error(_listings(fire, provider, page=11, page_size=100), 404, "page_too_deep")
    # Beyond the schema's maximum for `page` at any page size: a bad parameter.
    assert_error(_listings(fire, provider, page=1001, page_size=1), 400, "invalid")
    # At the cap: an ordinary page (empty here, so DRF's "invalid page").
    assert _listings(fire, provider, page=50, page_size=20).status_code == 404
    assert _listings(fire, provider, page=1).status_code == 200


def test_page_parameters_are_read_strictly(fire):
    # DRF would quietly fall back to the default size for a page_size it cannot read.
    provider = provider_in(fire)
    for params in (
        {"page_size": "null"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "-1"},
        {"page": "0"},
        {"page": "last"},
        {"page": "١"},  # an Arabic-Indic digit: isdigit() but not what the schema says
    ):
        body = assert_error(_listings(fire, provider, **params), 400, "invalid")
        assert set(body["details"]) == set(params), params
    repeated = api(fire, own_address=True).get(
        f"/api/v1/providers/{provider.pk}/listings/?page_size=1&page_size=2"
    )
    assert_error(repeated, 400, "invalid")


def test_the_schema_states_the_cap(fire):
    response = api(fire, own_address=True).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/providers/{provider_id}/listings/", "/api/v1/favorites/"):
        page = next(p for p in paths[path]["get"]["parameters"] if p["name"] == "page")
        assert page["schema"]["maximum"] == 1000, path
        assert "page_too_deep" in page["description"], path
