"""Each marketplace's /sitemap.xml and /robots.txt speak of its own public pages only, on its own
domain: asked on fire's host, nothing of talent's; asked on talent's, nothing of fire's."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET

from django_tenants.utils import tenant_context

from catalog.models import Listing
from tests.support.client import api
from tests.support.factories.catalog import ListingFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locs(response) -> list[str]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return [loc.text or "" for loc in ET.fromstring(response.content).iterfind(".//s:loc", NS)]


def _listings(marketplace, tag: str) -> dict[str, Listing]:
    """A published listing, a draft and a published one of a deactivated provider."""
    with tenant_context(marketplace):
        made = {
            "public": ListingFactory(slug=f"{tag}-public"),
            "draft": ListingFactory(slug=f"{tag}-draft", status=Listing.Status.DRAFT),
            "inactive": ListingFactory(slug=f"{tag}-inactive"),
        }
        user = made["inactive"].provider.user
        user.is_active = False
        user.save(update_fields=["is_active"])
    return made


def test_a_sitemap_lists_its_own_public_pages_on_its_own_domain_only(fire, talent):
    tag = secrets.token_hex(3)
    ours, theirs = _listings(fire, f"fire-{tag}"), _listings(talent, f"talent-{tag}")
    for marketplace, own, other in ((fire, ours, theirs), (talent, theirs, ours)):
        response = api(marketplace).get("/sitemap.xml")
        locs = _locs(response)
        base = marketplace.absolute_url("")
        assert locs[0] == f"{base}/"
        assert all(loc.startswith(f"{base}/") for loc in locs), locs
        public = own["public"]
        assert f"{base}/listings/{public.slug}/" in locs
        assert f"{base}/providers/{public.provider_id}/" in locs
        # Not public: a draft, a deactivated provider's listing and profile.
        assert f"{base}/listings/{own['draft'].slug}/" not in locs
        assert f"{base}/listings/{own['inactive'].slug}/" not in locs
        assert f"{base}/providers/{own['inactive'].provider_id}/" not in locs
        # Nothing of the other marketplace: not its listings, not its domain.
        text = response.content.decode()
        assert not any(listing.slug in text for listing in other.values()), text
        other_domain = (talent if marketplace == fire else fire).get_primary_domain().domain
        assert other_domain not in text


def test_robots_txt_points_at_the_marketplaces_own_sitemap(fire, talent):
    for marketplace, other in ((fire, talent), (talent, fire)):
        response = api(marketplace).get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert f"Sitemap: {marketplace.absolute_url('/sitemap.xml')}\n" in text
        for path in ("/admin/", "/api/", "/accounts/"):
            assert f"Disallow: {path}\n" in text
        assert other.get_primary_domain().domain not in text


def test_a_second_host_name_lists_the_primary_domains_urls(fire):
    from tenants.models import Domain

    alias = Domain.objects.create(
        domain=f"www-{secrets.token_hex(3)}.fire.localhost", tenant=fire, is_primary=False
    )
    locs = _locs(api(alias.domain).get("/sitemap.xml"))
    assert locs and all(loc.startswith(fire.absolute_url("/")) for loc in locs), locs
