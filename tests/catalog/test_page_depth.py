"""Page-number lists stop at a fixed depth: deep offsets cost a scan for nothing a person reads."""

from tests.catalog.conftest import api, assert_error, provider_in
from tests.conftest import host_client
from tests.search.conftest import fresh_address


def _listings(fire, provider, **params):
    client = api(fire)
    return client.client.get(
        f"/api/v1/providers/{provider.pk}/listings/", params, REMOTE_ADDR=fresh_address()
    )


def test_a_page_past_a_thousand_rows_is_refused(fire):
    provider = provider_in(fire)

    deep = assert_error(_listings(fire, provider, page=51, page_size=20), 400, "page_too_deep")
    assert "narrow" in deep["message"] and deep["details"]["max_depth"] == 1000
    assert_error(_listings(fire, provider, page=11, page_size=100), 400, "page_too_deep")
    assert_error(_listings(fire, provider, page=1001, page_size=1), 400, "page_too_deep")
    # At the cap: an ordinary page (empty here, so DRF's "invalid page").
    assert _listings(fire, provider, page=50, page_size=20).status_code == 404
    assert _listings(fire, provider, page=1).status_code == 200


def test_the_schema_states_the_cap(fire):
    response = host_client(fire, REMOTE_ADDR=fresh_address()).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/providers/{provider_id}/listings/", "/api/v1/favorites/"):
        page = next(p for p in paths[path]["get"]["parameters"] if p["name"] == "page")
        assert page["schema"]["maximum"] == 1000, path
        assert "page_too_deep" in page["description"], path
