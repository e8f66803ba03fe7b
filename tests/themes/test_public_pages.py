"""The public pages of the branded site: search, a provider's profile and a listing."""

from html.parser import HTMLParser

from django.conf import settings
from django.utils.html import escape
from django_tenants.utils import tenant_context

from accounts.models import User
from catalog.models import Badge, Category, Listing, MediaItem
from catalog.search.index import listings_reindex, profiles_reindex
from tests.support.client import api
from tests.support.factories.catalog import ListingFactory, ProviderProfileFactory, event, gig

ARABIC = {"HTTP_COOKIE": "django_language=ar"}


class _Page(HTMLParser):
    """The <html> attributes, the canonical link and the form fields' values."""

    def __init__(self):
        super().__init__()
        self.html_attrs: dict = {}
        self.canonical = ""
        self.values: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self._select = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = attributes
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonical = attributes["href"]
        elif tag == "input" and attributes.get("type") != "radio" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""
        elif tag == "input" and "checked" in attributes:
            self.values[attributes["name"]] = attributes["value"]
        elif tag == "select":
            self._select = attributes.get("name", "")
        elif tag == "option" and "selected" in attributes and self._select:
            self.selected[self._select] = attributes["value"]


def _parse(response) -> tuple[str, _Page]:
    html = response.content.decode()
    page = _Page()
    page.feed(html)
    return html, page


def _two_categories():
    first, second = Category.objects.filter(parent=None).order_by("pk")[:2]
    return first, second


def _catalog(marketplace):
    """A provider with a badge and rates, a listing in each of two categories, an event."""
    with tenant_context(marketplace):
        first, second = _two_categories()
        provider = ProviderProfileFactory(
            display_name="Blaze Troupe",
            tagline="Fire on stilts",
            badges=[Badge.INSURANCE],
            minimum_rate_minor=15000,
            hourly_rate_minor=4000,
        )
        ListingFactory(provider=provider, title="Dragon breath show", slug="dragon-breath",
                       category=first, price_minor=30000)  # fmt: skip
        ListingFactory(provider=provider, title="Juggling torches", slug="juggling-torches",
                       category=second, price_minor=20000)  # fmt: skip
        listings_reindex()
        profiles_reindex()
        return provider, first, second


# --- search ----------------------------------------------------------------------------------


def test_search_finds_by_text_and_keeps_what_was_typed(fire):
    _catalog(fire)
    response = api(fire, own_address=True).get(
        "/search/", {"q": "dragon", "sort": "price_asc", "rating": ""}
    )
    assert response.status_code == 200
    html, page = _parse(response)
    assert "Dragon breath show" in html and "Juggling torches" not in html
    assert '<a href="/listings/dragon-breath/">' in html
    assert "£300.00" in html
    assert page.values["q"] == "dragon" and page.selected["sort"] == "price_asc"
    assert page.values["kind"] == "listings"
    assert page.canonical.endswith("/search/")
    assert page.html_attrs == {"lang": "en", "dir": "ltr"}
    assert "<title>“dragon” – search – " in html


def test_search_filters_by_category(fire):
    _provider, first, second = _catalog(fire)
    response = api(fire, own_address=True).get(
        "/search/", {"category": second.slug, "q": "", "min_price": ""}
    )
    assert response.status_code == 200
    html, page = _parse(response)
    assert "Juggling torches" in html and "Dragon breath show" not in html
    assert page.selected["category"] == second.slug


def test_search_for_providers(fire):
    _catalog(fire)
    response = api(fire, own_address=True).get("/search/", {"kind": "providers", "q": "Blaze"})
    html, page = _parse(response)
    assert response.status_code == 200 and page.values["kind"] == "providers"
    assert "Blaze Troupe" in html and "Dragon breath show" not in html
    assert "£150.00" in html  # the "from" rate


def test_next_page_follows_the_selectors_cursor(fire):
    _catalog(fire)
    client = api(fire, own_address=True)
    html, _page = _parse(client.get("/search/", {"sort": "price_asc", "page_size": "1"}))
    assert "Juggling torches" in html and "Dragon breath show" not in html
    next_url = html.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "cursor=" in next_url and "page_size=1" in next_url
    second = client.get("/search/" + next_url)
    assert second.status_code == 200
    html = second.content.decode()
    assert "Dragon breath show" in html and "Juggling torches" not in html


def test_bad_parameters_show_an_error_beside_the_field_and_a_400(fire):
    _catalog(fire)
    client = api(fire, own_address=True)
    response = client.get("/search/", {"q": "torches", "min_price": "cheap"})
    assert response.status_code == 400
    html, page = _parse(response)
    assert 'id="min_price-error"' in html and 'aria-invalid="true"' in html
    assert page.values["min_price"] == "cheap" and page.values["q"] == "torches"
    assert "Juggling torches" not in html  # no results for a search not made

    low_high = client.get("/search/", {"min_price": "500", "max_price": "100"})
    assert low_high.status_code == 400
    assert 'id="max_price-error"' in low_high.content.decode()

    unknown = client.get("/search/", {"category": "no-such-category"})
    assert unknown.status_code == 400 and 'id="category-error"' in unknown.content.decode()

    extra = client.get("/search/", {"colour": "red"})
    assert extra.status_code == 400 and "Unknown filter: colour." in extra.content.decode()

    kind = client.get("/search/", {"kind": "wizards"})
    assert kind.status_code == 400 and 'id="kind-error"' in kind.content.decode()


def test_search_in_arabic_is_right_to_left(talent):
    _catalog(talent)
    response = api(talent, own_address=True).get("/search/", {"q": "dragon"})
    html, page = _parse(response)
    assert response.status_code == 200
    assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
    assert "Dragon breath show" in html and page.values["q"] == "dragon"


# --- provider profile ------------------------------------------------------------------------


def test_provider_page_shows_profile_rates_badges_and_listings(fire):
    provider, _first, _second = _catalog(fire)
    response = api(fire, own_address=True).get(f"/providers/{provider.pk}/")
    assert response.status_code == 200
    html, page = _parse(response)
    assert "<title>Blaze Troupe – " in html and 'content="Fire on stilts"' in html
    assert page.canonical.endswith(f"/providers/{provider.pk}/")
    assert "Public liability insurance" in html
    assert "£150.00" in html and "£40.00" in html
    assert "Dragon breath show" in html and "Juggling torches" in html
    assert "No reviews yet." in html


def test_provider_page_in_arabic_is_right_to_left(talent):
    provider, _first, _second = _catalog(talent)
    response = api(talent, own_address=True).get(f"/providers/{provider.pk}/")
    html, page = _parse(response)
    assert response.status_code == 200
    assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
    assert escape("Blaze Troupe") in html


def test_deactivated_and_unknown_providers_are_404(fire):
    provider, _first, _second = _catalog(fire)
    client = api(fire, own_address=True)
    with tenant_context(fire):
        User.objects.filter(pk=provider.user_id).update(is_active=False)
        listings_reindex()
    assert client.get(f"/providers/{provider.pk}/").status_code == 404
    assert client.get("/listings/dragon-breath/").status_code == 404
    assert client.get("/providers/999999999/").status_code == 404
    assert client.get("/providers/99999999999999999999999/").status_code == 404


# --- listing ---------------------------------------------------------------------------------


def test_listing_page_with_ticket_tiers_and_a_book_link(make_marketplace):
    marketplace = make_marketplace("events")
    with tenant_context(marketplace):
        provider = ProviderProfileFactory(display_name="Stage Crew")
        listing = event(provider=provider, title="Night of Jazz", capacity=40)
    client = api(marketplace, own_address=True)
    response = client.get(f"/listings/{listing.slug}/")
    assert response.status_code == 200
    html, page = _parse(response)
    assert "<title>Night of Jazz – " in html and "40 tickets left" in html
    assert "$25.00" in html and "Stage Crew" in html
    assert f'href="/accounts/login/?next=%2Flistings%2F{listing.slug}%2F"' in html
    assert page.canonical.endswith(f"/listings/{listing.slug}/")


def test_listing_page_in_arabic_is_right_to_left(talent):
    with tenant_context(talent):
        listing = ListingFactory(title="Oud lessons", slug="oud-lessons")
    response = api(talent, own_address=True).get("/listings/oud-lessons/")
    html, page = _parse(response)
    assert response.status_code == 200
    assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
    assert "Oud lessons" in html and listing.provider.display_name in html
    assert "سجّل الدخول للحجز" in html or "Log in to book" in html


def test_listing_page_with_packages(make_marketplace):
    marketplace = make_marketplace("freelancers")
    with tenant_context(marketplace):
        listing = gig(title="Logo design")
    response = api(marketplace, own_address=True).get(f"/listings/{listing.slug}/")
    html, _page = _parse(response)
    assert response.status_code == 200
    assert "Logo design" in html and "Basic" in html and "Premium" in html
    assert "Delivered in 3 days" in html and "3 revisions" in html


def test_draft_and_unknown_listings_are_404(fire):
    with tenant_context(fire):
        draft = ListingFactory(status=Listing.Status.DRAFT, published_at=None)
    client = api(fire, own_address=True)
    assert client.get(f"/listings/{draft.slug}/").status_code == 404
    assert client.get("/listings/no-such-listing/").status_code == 404


def test_the_page_and_the_api_spend_one_search_allowance(fire):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["search"]
    number, period = rate.split("/")
    assert period.startswith("m"), "the test spends a rate per minute"
    client = api(fire, own_address=True)
    for n in range(int(number)):
        # Refused by validation after the throttle: each costs no search.
        path = ("/search/", "/api/v1/search/listings/")[n % 2]
        assert client.get(path, {"colour": "red"}).status_code == 400, n

    refused = client.get("/search/", {"q": "dragon"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    html, page = _parse(refused)
    assert "Too many searches" in html and page.values["q"] == "dragon"
    assert client.get("/api/v1/search/providers/").status_code == 429
    assert api(fire, own_address=True).get("/search/").status_code == 200


def test_provider_gallery_shows_ready_media_with_srcset_only(fire):
    provider, _first, _second = _catalog(fire)
    with tenant_context(fire):
        common = {"profile": provider, "content_type": "image/jpeg", "size_bytes": 10}
        MediaItem.objects.create(kind="image", file="media/stage-x.jpg", caption="On stage",
                                 thumbnails={"small": "media/thumbs/stage-x-small.webp"},
                                 **common)  # fmt: skip
        MediaItem.objects.create(kind="image", file="", status=MediaItem.Status.PROCESSING,
                                 original="uploads/raw-x.jpg", caption="Unfinished",
                                 **common)  # fmt: skip
    html = api(fire, own_address=True).get(f"/providers/{provider.pk}/").content.decode()
    assert 'src="/media/fire_test/media/stage-x.jpg"' in html and 'alt="On stage"' in html
    assert 'srcset="/media/fire_test/media/thumbs/stage-x-small.webp 160w"' in html
    assert "Unfinished" not in html
