"""What every preset's site is held to beyond its content: a first visit's weight, static files
under hashed names cached for good, and the search-engine basics of each public page.

The weight is what a browser downloads on a first visit of the home page: the stylesheets and
scripts it links, and of the fonts the stylesheets declare only the faces the page uses. As a
browser does, a face is used when an element set in its family and weight shows a character
of its ``unicode-range``: headings (h1-h3) and the brand name are set in the theme's heading
face, bold; everything else in the body face, regular and bold (buttons, labels). Each file
counts with its gzip size (woff2 is compressed already: its own size).
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.catalog import ListingFactory, ProviderProfileFactory
from tests.support.requirements import missing

BUDGET_BYTES = 100 * 1024
PRESETS = ("fire-performers", "psychic-readers", "talent-iq", "freelancers", "events")
HEADING_TAGS = {"h1", "h2", "h3"}
IGNORED_TEXT_TAGS = {"script", "style", "title", "option", "template"}
VOID_TAGS = {"meta", "link", "img", "input", "br", "hr", "source", "area", "col", "wbr"}
_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}")
_DESCRIPTOR = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_ROOT_FAMILY = re.compile(r"--font-(heading|body):\s*\"([^\"]+)\"")


class _Page(HTMLParser):
    """The head's search-engine tags, what the page loads, and its text by face."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.lang = ""
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.preloads: list[str] = []
        self.text = {"heading": "", "body": ""}
        self._open: list[tuple[str, bool]] = []  # (tag, in heading face)
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        rel = attributes.get("rel", "").split()
        if tag == "html":
            self.lang = attributes.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = attributes.get("name") or attributes.get("property")
            if key:
                self.meta[key] = attributes.get("content", "")
        elif tag == "link" and "canonical" in rel:
            self.canonical.append(attributes.get("href", ""))
        elif tag == "link" and "stylesheet" in rel:
            self.stylesheets.append(attributes["href"])
        elif tag == "link" and "preload" in rel:
            self.preloads.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"])
        if tag not in VOID_TAGS:
            inherited = bool(self._open) and self._open[-1][1]
            heading = tag in HEADING_TAGS or "brand" in attributes.get("class", "").split()
            self._open.append((tag, inherited or heading))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if not self._open or self._open[-1][0] in IGNORED_TEXT_TAGS or not data.strip():
            return
        self.text["heading" if self._open[-1][1] else "body"] += data


def _page(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _transferred(body: bytes) -> int:
    return min(len(body), len(gzip.compress(body, compresslevel=9)))


def _in_range(character: str, unicode_range: str) -> bool:
    code = ord(character)
    for part in unicode_range.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        if int(low, 16) <= code <= int(high or low, 16):
            return True
    return False


def _faces(css: str) -> list[dict[str, str]]:
    faces = []
    for block in _FONT_FACE.findall(css):
        face = {name: value.strip() for name, value in _DESCRIPTOR.findall(block)}
        face["family"] = face["font-family"].strip("'\"")
        face["url"] = _URL.search(face["src"]).group(1)
        faces.append(face)
    return faces


def _used_fonts(css: str, page: _Page) -> set[str]:
    """The font files a browser fetches for ``page``: the theme's faces (heading: bold;
    body: regular and bold) whose unicode-range covers a character the page sets in them."""
    faces = _faces(css)
    families = dict(_ROOT_FAMILY.findall(css))
    wanted = {"heading": (700,), "body": (400, 700)}
    used = set()
    for role, weights in wanted.items():
        family = families.get(role)
        mine = [face for face in faces if face["family"] == family]
        if not mine:
            continue
        available = sorted({int(face["font-weight"]) for face in mine})
        for weight in weights:
            # CSS font matching, simplified: the nearest weight the family has.
            chosen = min(available, key=lambda have: (abs(have - weight), -have))
            for face in mine:
                if int(face["font-weight"]) != chosen:
                    continue
                if any(_in_range(char, face["unicode-range"]) for char in set(page.text[role])):
                    used.add(face["url"])
    return used


def _first_visit(client, page: _Page) -> tuple[dict[str, int], set[str]]:
    """(URL -> bytes on the wire of every stylesheet, script and font the page loads, the
    fonts the page uses)."""
    weights: dict[str, int] = {}
    used: set[str] = set()
    for url in page.stylesheets + page.scripts:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        weights[url] = _transferred(body)
        if url in page.stylesheets:
            used |= _used_fonts(body.decode(), page)
    for url in used | set(page.preloads):
        response = client.get(url)
        assert response.status_code == 200, url
        weights[url] = _transferred(_body(response))
    return weights, used


@pytest.fixture
def every_preset(fire, talent, make_marketplace):
    made = {"fire-performers": fire, "talent-iq": talent}
    for preset in PRESETS:
        if preset not in made:
            made[preset] = make_marketplace(preset)
    return made


def test_a_first_visit_of_every_presets_home_stays_within_100_kb(every_preset):
    for preset, marketplace in every_preset.items():
        client = api(marketplace, own_address=True)
        home = client.get("/")
        assert home.status_code == 200, preset
        page = _page(home)
        weights, used = _first_visit(client, page)
        assert used, f"{preset}: the home page uses none of its theme's fonts"
        # A preload the page does not use would be downloaded for nothing.
        assert page.preloads and set(page.preloads) <= used, (preset, page.preloads, used)
        total = sum(weights.values())
        assert total <= BUDGET_BYTES, f"{preset}: {total} bytes on a first visit: {weights}"


def test_arabic_pages_fetch_the_arabic_subset_and_english_ones_do_not(talent, fire):
    arabic = _page(api(talent, own_address=True).get("/"))
    english = _page(api(fire, own_address=True).get("/"))
    _weights, arabic_fonts = _first_visit(api(talent, own_address=True), arabic)
    _weights, english_fonts = _first_visit(api(fire, own_address=True), english)
    assert arabic.lang == "ar"
    assert any("cairo-arabic-" in url for url in arabic_fonts)
    assert not any("-arabic-" in url for url in english_fonts)


def test_static_files_have_hashed_names_and_are_cached_for_good(fire):
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        missing("no static manifest: `make static` (make test does) runs collectstatic")
    client = api(fire, own_address=True)
    page = _page(client.get("/"))
    site_css = static("site/site.css")
    assert re.fullmatch(r"/static/site/site\.[0-9a-f]{12}\.css", site_css), site_css
    assert site_css in page.stylesheets
    response = client.get(site_css, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    # The theme's @font-face rules name the fonts' hashed files, which are served for good.
    theme = next(url for url in page.stylesheets if url.startswith("/theme.css"))
    fonts = [face["url"] for face in _faces(_body(client.get(theme)).decode())]
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2$", url) for url in fonts), fonts
    font = client.get(fonts[0])
    assert font.status_code == 200 and "immutable" in font["Cache-Control"]
    assert staticfiles_storage.url("fonts/inter-latin-400-normal.woff2") in fonts


def _seo_pages(marketplace) -> dict[str, str]:
    with tenant_context(marketplace):
        provider = ProviderProfileFactory(display_name="Ember Duo", tagline="Fire and light")
        listing = ListingFactory(provider=provider, title="Fire fan dance", slug="fire-fan-dance")
    return {
        "home": "/",
        "search": "/search/",
        "profile": f"/providers/{provider.pk}/",
        "listing": f"/listings/{listing.slug}/",
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_public_page_has_the_search_engine_basics(fire, talent, language):
    marketplace = fire if language == "en" else talent
    client = api(marketplace, own_address=True)
    titles = set()
    for name, path in _seo_pages(marketplace).items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        page = _page(response)
        where = f"{marketplace.slug} {name}"
        own = marketplace.absolute_url(path)
        assert page.lang == language, where
        assert page.title.strip(), f"{where}: no title"
        titles.add(page.title.strip())
        assert page.meta.get("description", "").strip(), f"{where}: no meta description"
        assert page.canonical == [own], f"{where}: canonical {page.canonical}, not {own}"
        assert page.meta.get("og:url") == own, where
        for tag in ("og:title", "og:description", "og:type", "og:site_name"):
            assert page.meta.get(tag, "").strip(), f"{where}: no {tag}"
        assert "noindex" not in page.meta.get("robots", ""), where
    assert len(titles) == 4, f"pages share titles: {titles}"


def test_robots_txt_and_the_sitemap_name_the_marketplaces_own_domain(fire):
    client = api(fire, own_address=True)
    pages = _seo_pages(fire)
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    lines = robots.content.decode().splitlines()
    assert f"Sitemap: {fire.absolute_url('/sitemap.xml')}" in lines
    assert "Disallow: /" not in lines
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = ElementTree.fromstring(sitemap.content).findall(".//s:loc", namespace)
    listed = {loc.text for loc in locations}
    for name in ("home", "profile", "listing"):
        assert fire.absolute_url(pages[name]) in listed, name


def test_pages_and_the_theme_stylesheet_are_gzipped_and_revalidate(fire):
    client = api(fire, own_address=True)
    home = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert home["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(home.content)
    page = _page(client.get("/"))
    theme = next(url for url in page.stylesheets if url.startswith("/theme.css"))
    bare = theme.split("?", 1)[0]
    css = client.get(bare, HTTP_ACCEPT_ENCODING="gzip")
    assert css["Content-Encoding"] == "gzip" and css["ETag"].startswith('W/"')
    # A browser revalidates with the ETag it was given, weak as the gzipped answer's is.
    again = client.get(bare, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=css["ETag"])
    assert again.status_code == 304
