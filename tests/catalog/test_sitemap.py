"""A marketplace's sitemap in pages: past SOUK_SITEMAP_PAGE_SIZE entries, /sitemap.xml is an
index of ?page=N, and the pages together hold every entry once, in order."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET

from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.catalog import ListingFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _parse(response) -> ET.Element:
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)


def test_pages_hold_every_entry_once_and_the_index_names_them(fire, settings):
    tag = secrets.token_hex(3)
    with tenant_context(fire):
        for number in range(4):
            ListingFactory(slug=f"paged-{tag}-{number}")
    client = api(fire)
    whole = [loc.text for loc in _parse(client.get("/sitemap.xml")).iterfind(".//s:loc", NS)]
    assert len(whole) >= 9  # the home, four providers and their four listings

    settings.SOUK_SITEMAP_PAGE_SIZE = 2
    index = _parse(client.get("/sitemap.xml"))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    pages = [loc.text or "" for loc in index.iterfind("s:sitemap/s:loc", NS)]
    base = fire.absolute_url("/sitemap.xml")
    assert pages == [f"{base}?page={n}" for n in range(1, (len(whole) + 1) // 2 + 1)]
    paged = []
    for number in range(1, len(pages) + 1):
        page = _parse(client.get(f"/sitemap.xml?page={number}"))
        assert page.tag == f"{{{NS['s']}}}urlset"
        paged += [loc.text for loc in page.iterfind(".//s:loc", NS)]
    assert paged == whole

    assert client.get(f"/sitemap.xml?page={len(pages) + 1}").status_code == 404
    assert client.get("/sitemap.xml?page=0").status_code == 404
    for bad in ("x", "-1", "1.5", "١"):
        assert client.get(f"/sitemap.xml?page={bad}").status_code == 400, bad


def test_sitemap_and_robots_answer_only_reads(fire):
    client = api(fire)
    assert client.post("/sitemap.xml").status_code == 405
    assert client.post("/robots.txt").status_code == 405
    assert client.head("/robots.txt").status_code == 200
