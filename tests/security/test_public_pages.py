"""The site's public pages (/search/, /providers/<id>/, /listings/<slug>/) show only their
own marketplace: another marketplace's ids, slugs, cursors and sessions find nothing."""

from urllib.parse import unquote

from django.conf import settings
from django_tenants.utils import tenant_context

from catalog.models import Listing, ProviderProfile
from catalog.search.index import listings_reindex, profiles_reindex
from tests.support.client import api
from tests.support.factories.catalog import ListingFactory, ProviderProfileFactory

SECRET = "Fireonly Zephyrwick"


def _fire_catalog(fire):
    with tenant_context(fire):
        provider = ProviderProfileFactory(display_name=SECRET)
        for i in range(3):
            ListingFactory(provider=provider, title=f"{SECRET} act {i}", slug=f"fireonly-{i}")
        draft = ListingFactory(provider=provider, title=f"{SECRET} draft", slug="fireonly-draft",
                               status=Listing.Status.DRAFT, published_at=None)  # fmt: skip
        listings_reindex()
        profiles_reindex()
    return provider, draft


def test_another_marketplaces_provider_id_is_not_found(fire, talent):
    provider, _draft = _fire_catalog(fire)
    assert api(fire, own_address=True).get(f"/providers/{provider.pk}/").status_code == 200
    with tenant_context(talent):
        taken = ProviderProfile.objects.filter(pk=provider.pk).exists()
    response = api(talent, own_address=True).get(f"/providers/{provider.pk}/")
    # Ids are per schema: the same number may be one of talent's own providers, never fire's.
    assert response.status_code == (200 if taken else 404)
    assert SECRET not in response.content.decode()


def test_another_marketplaces_listing_slug_is_not_found(fire, talent):
    _fire_catalog(fire)
    assert api(fire, own_address=True).get("/listings/fireonly-0/").status_code == 200
    response = api(talent, own_address=True).get("/listings/fireonly-0/")
    assert response.status_code == 404 and SECRET not in response.content.decode()


def test_search_on_another_host_finds_nothing_of_fire(fire, talent):
    _fire_catalog(fire)
    fire_page = (
        api(fire, own_address=True)
        .get("/search/", {"q": "Fireonly", "page_size": "1"})
        .content.decode()
    )
    assert SECRET in fire_page
    cursor = unquote(fire_page.split("cursor=", 1)[1].split('"', 1)[0].split("&", 1)[0])
    at_home = {"q": "Fireonly", "page_size": "1", "cursor": cursor}
    assert api(fire, own_address=True).get("/search/", at_home).status_code == 200
    for kind in ("listings", "providers"):
        body = (
            api(talent, own_address=True)
            .get("/search/", {"q": "Fireonly", "kind": kind})
            .content.decode()
        )
        assert SECRET not in body
    # Fire's cursor on talent's host is refused, not read.
    replay = api(talent, own_address=True).get(
        "/search/", {"q": "Fireonly", "page_size": "1", "cursor": cursor}
    )
    assert replay.status_code == 400 and SECRET not in replay.content.decode()


def test_the_owners_session_shows_their_draft_only_on_their_own_host(fire, talent):
    provider, draft = _fire_catalog(fire)
    owner = api(fire, provider.user, session=True)
    assert owner.get(f"/listings/{draft.slug}/").status_code == 200
    assert api(fire, own_address=True).get(f"/listings/{draft.slug}/").status_code == 404
    # The same session cookie on talent's host is nobody there.
    session = owner.cookies[settings.SESSION_COOKIE_NAME].value
    replay = api(talent, own_address=True, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}")
    assert replay.get(f"/listings/{draft.slug}/").status_code == 404
    assert replay.get(f"/providers/{provider.pk}/").status_code in (200, 404)
    assert SECRET not in replay.get(f"/providers/{provider.pk}/").content.decode()
