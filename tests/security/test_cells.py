"""A cell serves only its own marketplaces. A domain that lives in another cell (a route in
this cell's table) gets the pointer to that cell, whatever credentials come with it: a token
or a session of a marketplace here, replayed under the other cell's domain, opens nothing.
A route can neither hide a marketplace of this cell nor send a cell to itself."""

import pytest
from django_tenants.utils import tenant_context

from tenants.models import CellRoute
from tests.support.client import ApiClient, api, assert_error
from tests.support.factories.accounts import VerifiedUserFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = "elsewhere.example"
ORIGIN_B = "https://b.cells.example"
PATHS = ("/api/v1/marketplace/", "/api/v1/me/", "/api/v1/auth/tokens/", "/api/v1/listings/")


@pytest.fixture
def cell_a(settings, fire):
    settings.SOUK_CELL = "a"
    settings.SOUK_CELL_ORIGINS = {"a": "https://a.cells.example", "b": ORIGIN_B}
    CellRoute.objects.create(domain=ELSEWHERE, cell="b", marketplace_slug="elsewhere")
    with tenant_context(fire):
        return VerifiedUserFactory()


def _pointed(response) -> None:
    body = assert_error(response, 421, "marketplace_elsewhere")
    assert body["details"] == {"cell": "b", "origin": ORIGIN_B}
    assert (response["Souk-Cell"], response["Souk-Cell-Origin"]) == ("b", ORIGIN_B)


def test_another_cells_domain_gets_the_pointer_never_data(cell_a, fire):
    token_client = api(fire, cell_a)
    session_client = api(fire, cell_a, session=True)
    token = token_client.defaults["HTTP_AUTHORIZATION"]
    replayed_token = ApiClient(ELSEWHERE, HTTP_AUTHORIZATION=token)
    replayed_session = ApiClient(ELSEWHERE)
    replayed_session.cookies = session_client.cookies
    for client in (replayed_token, replayed_session, ApiClient(ELSEWHERE)):
        for path in PATHS:
            response = client.get(path)
            _pointed(response)
            assert cell_a.email.encode() not in response.content
        _pointed(client.post("/api/v1/auth/login/", {"email": cell_a.email, "password": "x"}))
        page = client.get("/")
        assert page.status_code == 421 and cell_a.email.encode() not in page.content
    # The same credentials on their own marketplace's domain still work: nothing was revoked.
    assert token_client.get("/api/v1/me/").json()["email"] == cell_a.email


def test_a_route_never_hides_a_marketplace_of_this_cell(cell_a, fire):
    host = fire.get_primary_domain().domain
    CellRoute.objects.create(domain=host, cell="b", marketplace_slug=fire.slug)
    assert api(fire).get("/api/v1/marketplace/").json()["marketplace"]["slug"] == fire.slug


def test_a_route_to_this_cell_or_from_a_deployment_without_cells_is_a_404(cell_a, settings):
    CellRoute.objects.create(domain="loop.example", cell="a", marketplace_slug="loop")
    assert_error(ApiClient("loop.example").get("/api/v1/marketplace/"), 404, "unknown_marketplace")
    settings.SOUK_CELL = ""
    assert_error(ApiClient(ELSEWHERE).get("/api/v1/marketplace/"), 404, "unknown_marketplace")
