"""The discovery pages' own parameters (a place, the trail of earlier pages, a calendar's
month) find nothing of another marketplace: places are read in the host's own schema, a
trail is only cursors (signed for one search), and a provider's calendar is its profile's."""

from decimal import Decimal
from urllib.parse import unquote

from django_tenants.utils import tenant_context

from catalog.models import ProviderProfile
from catalog.search.index import listings_reindex, profiles_reindex
from tests.support.client import api
from tests.support.factories.catalog import ListingFactory, ProviderProfileFactory

SECRET = "Fireonly Zephyrwick"
PLACE = "Zephyrwick Sands"


def _fire_catalog(fire):
    with tenant_context(fire):
        provider = ProviderProfileFactory(
            display_name=SECRET,
            location_name=PLACE,
            latitude=Decimal("50.1"),
            longitude=Decimal("-5.1"),
        )
        for i in range(3):
            ListingFactory(provider=provider, title=f"{SECRET} act {i}", slug=f"fireonly-{i}")
        listings_reindex()
        profiles_reindex()
    return provider


def test_another_marketplaces_places_are_not_offered_nor_found(fire, talent):
    _fire_catalog(fire)
    at_fire = api(fire, own_address=True).get("/search/", {"place": PLACE})
    assert at_fire.status_code == 200 and SECRET in at_fire.content.decode()
    form = api(talent, own_address=True).get("/search/").content.decode()
    assert PLACE not in form
    refused = api(talent, own_address=True).get("/search/", {"place": PLACE})
    assert refused.status_code == 400 and SECRET not in refused.content.decode()


def test_a_trail_of_fires_cursors_finds_nothing_on_another_host(fire, talent):
    _fire_catalog(fire)
    page = api(fire, own_address=True).get("/search/", {"q": "Fireonly", "page_size": "1"})
    html = page.content.decode()
    cursor = unquote(html.split("cursor=", 1)[1].split('"', 1)[0].split("&", 1)[0])
    query = {"q": "Fireonly", "page_size": "1", "cursor": cursor, "trail": [cursor, "-"]}
    assert api(fire, own_address=True).get("/search/", query).status_code == 200
    for kind in ("listings", "providers"):
        response = api(talent, own_address=True).get("/search/", {**query, "kind": kind})
        body = response.content.decode()
        assert SECRET not in body
        # The previous page's link carries the trail back, never a result of fire's.
        assert response.status_code in {200, 400}


def test_another_marketplaces_provider_calendar_is_not_shown(fire, talent):
    provider = _fire_catalog(fire)
    with tenant_context(talent):
        taken = ProviderProfile.objects.filter(pk=provider.pk).exists()
    response = api(talent, own_address=True).get(f"/providers/{provider.pk}/", {"month": "2030-01"})
    assert response.status_code == (200 if taken else 404)
    assert SECRET not in response.content.decode()
