"""The site shell, the home page of each preset and /theme.css."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.utils.html import escape
from django_tenants.utils import tenant_context

from catalog.search.index import listings_reindex, profiles_reindex
from tenants.presets import get_preset
from tests.support.client import api
from tests.support.factories.accounts import user_in
from tests.support.factories.catalog import ListingFactory, ProviderProfileFactory, event
from themes.fonts import FONTS
from themes.models import Theme

OTHER_PRESETS = ("psychic-readers", "freelancers", "events")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.html_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = attributes
        for name in ("src", "href", "action", "srcset"):
            if attributes.get(name):
                self.urls += [part.split()[0] for part in attributes[name].split(",")]
        if tag == "meta" and (attributes.get("property") or "") in ("og:url", "og:image"):
            self.urls.append(attributes["content"])


def _page(client, path="/"):
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    links = _Links()
    links.feed(response.content.decode())
    return response, links


def _assert_only_own_host(links, host):
    for url in links.urls:
        parts = urlsplit(url)
        assert not parts.netloc or parts.hostname == host, url
        assert parts.scheme in ("", "http", "https"), url


def _stylesheet(client, links):
    css_url = next(url for url in links.urls if url.startswith("/theme.css?v="))
    response = client.get(css_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    return response.content.decode()


def test_fire_home_has_its_look_and_only_its_own_addresses(fire):
    client = api(fire)
    response, links = _page(client)
    html = response.content.decode()
    assert links.html_attrs == {"lang": "en", "dir": "ltr"}
    assert "Fire and light for your big night" in html
    assert "Fire acts" in html  # a category
    assert re.search(
        rf'<link rel="canonical" href="https?://{re.escape(client.host)}(:\d+)?/"', html
    )
    assert 'property="og:title"' in html and 'name="description"' in html
    _assert_only_own_host(links, client.host)
    css = _stylesheet(client, links)
    root = css.split(":root {", 1)[1].split("}", 1)[0]
    assert "--color-primary: #FF5A1F;" in root and "--color-background: #120A06;" in root
    assert '"Bebas Neue"' in root


def test_talent_home_is_arabic_and_right_to_left(talent):
    client = api(talent)
    response, links = _page(client)
    html = response.content.decode()
    assert links.html_attrs == {"lang": "ar", "dir": "rtl"}
    assert "مواهب العراق بين يديك" in html and "موسيقى" in html
    _assert_only_own_host(links, client.host)
    css = _stylesheet(client, links)
    assert '"Cairo"' in css and static("fonts/cairo-arabic-400-normal.woff2") in css

    # The language switcher's choice (Django's cookie) wins over the marketplace's default.
    switched = client.post_form("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    _response, english = _page(client)
    assert english.html_attrs == {"lang": "en", "dir": "ltr"}


def test_a_logged_in_users_own_language_comes_before_the_marketplaces(talent, fire):
    """User.language (PATCH /api/v1/me/) picks the pages' language too; the switcher's
    cookie, the visitor's latest word, still wins over it."""
    english = user_in(talent, language="en")
    client = api(talent, english, session=True)
    response, links = _page(client)
    assert links.html_attrs == {"lang": "en", "dir": "ltr"}
    assert response.headers["Content-Language"] == "en"
    client.post_form("/i18n/setlang/", {"language": "ar", "next": "/"})
    _response, switched = _page(client)
    assert switched.html_attrs == {"lang": "ar", "dir": "rtl"}

    arabic = api(fire, user_in(fire, language="ar"), session=True)
    response, links = _page(arabic)
    assert links.html_attrs == {"lang": "ar", "dir": "rtl"}
    assert response.headers["Content-Language"] == "ar"


@pytest.mark.parametrize("preset", OTHER_PRESETS)
def test_each_preset_home_renders_with_its_tokens(make_marketplace, preset):
    marketplace = make_marketplace(preset)
    client = api(marketplace)
    response, links = _page(client)
    _assert_only_own_host(links, client.host)
    theme = get_preset(preset).theme
    colours = theme["dark" if theme["dark_mode"] else "light"]
    css = _stylesheet(client, links)
    root = css.split(":root {", 1)[1].split("}", 1)[0]
    assert f"--color-primary: {colours['primary']};" in root
    assert escape(theme["hero_title"]["en"]) in response.content.decode()


def test_featured_providers_listings_and_events_with_money_per_locale(make_marketplace):
    marketplace = make_marketplace("events")
    with tenant_context(marketplace):
        provider = ProviderProfileFactory(display_name="Stage Crew", minimum_rate_minor=1999)
        listing = event(provider=provider, title="Night of Jazz", price_minor=2500)
        listing.price_minor = 2500
        listing.save(update_fields=["price_minor"])
        ListingFactory(provider=provider, title="Old show", slug="old-show",
                       listing_type=listing.listing_type)  # fmt: skip
        listings_reindex()
        profiles_reindex()
    client = api(marketplace)
    html = client.get("/").content.decode()
    events = html.split('id="events-title"', 1)[1].split("</section>", 1)[0]
    assert "Night of Jazz" in events and "Old show" not in events  # not started only
    assert "$25.00" in events
    assert "Stage Crew" in html and "$19.99" in html

    arabic = api(marketplace, HTTP_COOKIE="django_language=ar").get("/").content.decode()
    assert 'dir="rtl"' in arabic and "Night of Jazz" in arabic and "US$" in arabic


def test_hero_logo_and_favicon_are_on_the_own_host(fire):
    with tenant_context(fire):
        thumbnails = {
            "small": "theme/thumbs/hero-x-small.webp",
            "large": "theme/thumbs/hero-x-large.webp",
        }
        Theme.objects.update(
            logo="theme/logo-x.png",
            favicon="theme/fav-x.png",
            hero_image="theme/hero-x.jpg",
            hero_thumbnails=thumbnails,
        )
    client = api(fire)
    response, links = _page(client)
    html = response.content.decode()
    assert "/media/fire_test/theme/logo-x.png" in html
    assert 'srcset="/media/fire_test/theme/thumbs/hero-x-small.webp 160w, ' in html
    assert re.search(rf'property="og:image" content="https?://{re.escape(client.host)}[:/]', html)
    _assert_only_own_host(links, client.host)


def test_theme_css_is_cached_by_version_and_etag(fire):
    client = api(fire)
    with tenant_context(fire):
        version = Theme.objects.get().version
    versioned = client.get(f"/theme.css?v={version}")
    assert versioned["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = versioned["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    bare = client.get("/theme.css")
    assert bare["ETag"] == etag and "immutable" not in bare["Cache-Control"]
    again = client.get(f"/theme.css?v={version}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.post("/theme.css").status_code == 405
    # A deployment whose static files (the fonts the stylesheet names) changed is a new
    # address too: the kept stylesheet would name font files that are gone.
    build = staticfiles_storage.manifest_hash
    assert version.endswith(f"-{build[:12]}") if build else "-" not in version


def test_every_font_a_theme_may_choose_is_served_by_the_marketplace(fire):
    """make installs the @fontsource packages (npm ci) and copies their woff2 files where
    static files serve them; a face whose file is missing would fall back silently."""
    client = api(fire)
    for font in FONTS.values():
        for _subset, _weight, path in font.files():
            response = client.get(static(path))
            assert response.status_code == 200, f"{path}: run make (npm ci, scripts/fonts.py)"
            body = b"".join(response.streaming_content)
            assert body[:4] == b"wOF2", path
