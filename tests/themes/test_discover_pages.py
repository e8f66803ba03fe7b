"""The discovery pages complete: every search filter, facets with counts, pages back and
forth, suggestions, the provider's calendar and sub-ratings, upcoming events, products, and
Arabic pages and mails."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.utils import timezone
from django.utils.html import escape
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.services.magic_links import magic_link_send
from catalog.models import AvailabilityEntry, Badge, Category, ListingType, WeeklyHours
from catalog.search.index import listings_reindex, profiles_reindex
from tests.bookings.test_reviews import _completed_booking, _performer, _review
from tests.support.client import api
from tests.support.factories.bookings import party
from tests.support.factories.catalog import ListingFactory, ProviderProfileFactory, event

LEEDS = {
    "location_name": "Leeds",
    "latitude": Decimal("53.800755"),
    "longitude": Decimal("-1.549077"),
}
LONDON = {
    "location_name": "London",
    "latitude": Decimal("51.507351"),
    "longitude": Decimal("-0.127758"),
}


def _titles(response) -> list[str]:
    """Result titles in order (the cards' headings)."""
    html = response.content.decode()
    results = html.split('id="results-title"', 1)[1]
    return re.findall(r'<h3><a href="/(?:listings|providers)/[^"]+">([^<]+)</a></h3>', results)


def _next_weekday(weekday: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _catalog(marketplace):
    """Two providers in two cities: one verified, online, well rated, working Mondays."""
    with tenant_context(marketplace):
        first, second = Category.objects.filter(parent=None).order_by("pk")[:2]
        star = ProviderProfileFactory(
            display_name="Blaze Troupe",
            badges=[Badge.INSURANCE],
            is_online=True,
            rating_avg=Decimal("4.60"),
            rating_count=5,
            minimum_rate_minor=15000,
            **LEEDS,
        )
        other = ProviderProfileFactory(display_name="Quiet Sparks", **LONDON)
        WeeklyHours.objects.create(
            provider=star, weekday=0, start_time=dt.time(9), end_time=dt.time(17)
        )
        ListingFactory(provider=star, title="Dragon breath show", category=first,
                       price_minor=30000, tags=["wedding"])  # fmt: skip
        ListingFactory(provider=other, title="Juggling torches", category=second,
                       price_minor=2000)  # fmt: skip
        listings_reindex()
        profiles_reindex()
        return star, other, first, second


def test_each_filter_reaches_the_results(fire):
    _star, _other, first, _second = _catalog(fire)
    client = api(fire, own_address=True)
    both = {"Dragon breath show", "Juggling torches"}
    monday = _next_weekday(0).isoformat()
    cases = [
        ({}, both),
        ({"q": "dragon"}, {"Dragon breath show"}),
        ({"category": first.slug}, {"Dragon breath show"}),
        ({"min_price": "10000"}, {"Dragon breath show"}),
        ({"max_price": "10000"}, {"Juggling torches"}),
        ({"rating": "4.5"}, {"Dragon breath show"}),
        ({"badges": Badge.INSURANCE}, {"Dragon breath show"}),
        ({"place": "Leeds", "radius_km": "25"}, {"Dragon breath show"}),
        ({"place": "London", "radius_km": "25"}, {"Juggling torches"}),
        ({"available_on": monday}, {"Dragon breath show"}),
        ({"online": "true"}, {"Dragon breath show"}),
        ({"tags": "wedding"}, {"Dragon breath show"}),
        ({"type": "performance", "max_price": "10000"}, {"Juggling torches"}),
        ({"kind": "providers", "online": "true"}, {"Blaze Troupe"}),
        ({"kind": "providers", "place": "London", "radius_km": "10"}, {"Quiet Sparks"}),
    ]
    for query, expected in cases:
        response = client.get("/search/", query)
        assert response.status_code == 200, (query, response.content.decode()[:2000])
        assert set(_titles(response)) == expected, query

    # Sorting by distance from a place: the nearest first, with how far.
    near_leeds = client.get("/search/", {"place": "Leeds", "sort": "distance"})
    assert _titles(near_leeds) == ["Dragon breath show", "Juggling torches"]
    assert "km away" in near_leeds.content.decode()
    near_london = client.get("/search/", {"place": "London", "sort": "distance"})
    assert _titles(near_london) == ["Juggling torches", "Dragon breath show"]
    # The form keeps the filters chosen.
    html = client.get("/search/", {"place": "Leeds", "online": "true", "badges": "insurance"})
    page = html.content.decode()
    assert '<option value="Leeds" selected>' in page
    assert 'name="online" value="true" checked' in page
    assert 'name="badges" value="insurance" checked' in page


def test_unknown_place_and_distance_without_a_place_are_errors_beside_the_fields(fire):
    _catalog(fire)
    client = api(fire, own_address=True)
    unknown = client.get("/search/", {"place": "Atlantis"})
    assert unknown.status_code == 400
    assert 'id="place-error"' in unknown.content.decode() and "Atlantis" in unknown.content.decode()
    nearest = client.get("/search/", {"sort": "distance"})
    assert nearest.status_code == 400 and 'id="sort-error"' in nearest.content.decode()


def test_facets_show_counts_and_refine_the_search(fire):
    _star, _other, first, second = _catalog(fire)
    client = api(fire, own_address=True)
    html = client.get("/search/").content.decode()
    facets = html.split('id="facets-title"', 1)[1].split("</aside>", 1)[0]
    assert "1 result" in facets
    assert f"category={first.slug}" in facets and f"category={second.slug}" in facets
    # Price bands: £0.00 to under £50.00 holds the £20 listing, £150.00 to under £300.00
    # none, £300.00 to under £600.00 the £300 one.
    bands = re.findall(r">([^<]+)</a> <span class=\"count\">(\d+) results?</span>", facets)
    assert ("£0.00 to under £50.00", "1") in bands
    assert ("£300.00 to under £600.00", "1") in bands
    assert ("£150.00 to under £300.00", "0") in bands
    band_link = re.search(r'href="([^"]*min_price=30000[^"]*)"', facets).group(1)
    refined = client.get("/search/" + band_link.replace("&amp;", "&"))
    assert _titles(refined) == ["Dragon breath show"]
    assert "max_price=59999" in band_link


def test_pages_go_forward_back_and_to_the_first(fire):
    with tenant_context(fire):
        for n in range(3):
            ListingFactory(title=f"Show number {n}", price_minor=1000 * (n + 1))
        listings_reindex()
    client = api(fire, own_address=True)
    first = client.get("/search/", {"sort": "price_asc", "page_size": "1"})
    assert _titles(first) == ["Show number 0"]
    html = first.content.decode()
    assert 'rel="prev"' not in html and "Page 1" in html

    def link(response, rel):
        found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
        return "/search/" + found.group(1).replace("&amp;", "&")

    second = client.get(link(first, "next"))
    assert _titles(second) == ["Show number 1"] and "Page 2" in second.content.decode()
    third = client.get(link(second, "next"))
    assert _titles(third) == ["Show number 2"] and "Page 3" in third.content.decode()
    assert "First page" in third.content.decode()
    back = client.get(link(third, "prev"))
    assert _titles(back) == ["Show number 1"] and "Page 2" in back.content.decode()
    back_again = client.get(link(back, "prev"))
    assert _titles(back_again) == ["Show number 0"]


def test_the_search_box_asks_the_suggestions_endpoint(fire):
    _catalog(fire)
    client = api(fire, own_address=True)
    for path in ("/search/", "/"):
        html = client.get(path).content.decode()
        assert 'data-suggest="/api/v1/search/suggest/"' in html
        assert re.search(r'<script src="/static/site/suggest[^"]*\.js" defer>', html)
        assert re.search(r'list="(?:search-q|hero-search)-suggestions"', html)
    script = (Path(settings.BASE_DIR) / "themes/static/site/suggest.js").read_text()
    assert "data-suggest" in script and "suggestions" in script
    found = client.get("/api/v1/search/suggest/", {"q": "drag"})
    assert found.status_code == 200
    assert "Dragon breath show" in {item["text"] for item in found.json()["suggestions"]}


def test_the_calendar_shows_the_available_days_of_a_month(fire):
    star, _other, _first, _second = _catalog(fire)
    client = api(fire, own_address=True)
    next_monday = _next_weekday(0)
    with tenant_context(fire):
        AvailabilityEntry.objects.create(
            provider=star, date=next_monday, status=AvailabilityEntry.Status.BLOCKED
        )
    html = client.get(f"/providers/{star.pk}/").content.decode()
    section = html.split('id="availability"', 1)[1].split("</section>", 1)[0]
    today = timezone.localdate()
    mondays_left = [
        day
        for day in (today.replace(day=n) for n in range(1, 32) if _valid(today, n))
        if day.weekday() == 0 and day >= today and day != next_monday
    ]
    assert section.count('class="day available"') == len(mondays_left)
    if next_monday.month == today.month:
        assert section.count('class="day blocked"') == 1
    assert 'rel="prev"' not in section
    following = re.search(r'href="\?month=(\d{4}-\d{2})#availability" rel="next"', section)
    later = client.get(f"/providers/{star.pk}/", {"month": following.group(1)}).content.decode()
    later_section = later.split('id="availability"', 1)[1].split("</section>", 1)[0]
    assert 'rel="prev"' in later_section
    assert 'class="day available"' in later_section
    # A month out of range shows this month.
    assert client.get(f"/providers/{star.pk}/", {"month": "1999-01"}).status_code == 200


def _valid(day: dt.date, n: int) -> bool:
    try:
        day.replace(day=n)
    except ValueError:
        return False
    return True


def test_reviews_show_their_sub_ratings(fire, settings):
    settings.SOUK_TOKEN_TTL_DAYS = 3650  # the review is written after the show, weeks ahead
    provider, profile, listing = _performer(fire)
    customer = party(fire)
    booking_id, end = _completed_booking(fire, provider, listing, customer)
    made = _review(customer, booking_id, end, rating=4, professionalism=5, communication=3,
                   text="Hot stuff")  # fmt: skip
    assert made.status_code == 201, made.content
    html = api(fire, own_address=True).get(f"/providers/{profile.pk}/").content.decode()
    reviews = html.split('id="reviews-title"', 1)[1]
    assert "Hot stuff" in reviews
    assert "<dt>Professionalism</dt><dd>5 out of 5</dd>" in reviews
    assert "<dt>Communication</dt><dd>3 out of 5</dd>" in reviews
    assert "<dt>Value</dt>" not in reviews  # not given
    assert "Rated 4 out of 5 in 1 review." in reviews


def test_home_shows_upcoming_events_soonest_first(make_marketplace):
    marketplace = make_marketplace("events")
    with tenant_context(marketplace):
        later = event(title="Autumn gala")
        sooner = event(title="Summer jazz")
        sooner.starts_at = timezone.now() + dt.timedelta(days=3)
        sooner.save(update_fields=["starts_at"])
        past = event(title="Last year's ball")
        past.starts_at = timezone.now() - dt.timedelta(days=3)
        past.save(update_fields=["starts_at"])
        assert later.starts_at > sooner.starts_at
    html = api(marketplace, own_address=True).get("/").content.decode()
    events = html.split('id="events-title"', 1)[1].split("</section>", 1)[0]
    assert events.index("Summer jazz") < events.index("Autumn gala")
    assert "Last year" not in events


def test_listing_shows_a_products_stock_and_a_per_minute_price(make_marketplace):
    psychic = make_marketplace("psychic-readers")
    with tenant_context(psychic):
        product = ListingType.objects.get(pricing=ListingType.Pricing.PRODUCT)
        reading = ListingType.objects.get(pricing=ListingType.Pricing.PER_MINUTE)
        ListingFactory(listing_type=product, title="Tarot guide", slug="tarot-guide", stock=3)
        ListingFactory(listing_type=product, title="Moon chart", slug="moon-chart", stock=0)
        ListingFactory(listing_type=reading, title="Live reading", slug="live-reading",
                       price_minor=199)  # fmt: skip
    client = api(psychic, own_address=True)
    assert "3 left in stock" in client.get("/listings/tarot-guide/").content.decode()
    assert "Out of stock" in client.get("/listings/moon-chart/").content.decode()
    assert "$1.99 per minute" in client.get("/listings/live-reading/").content.decode()


def test_arabic_pages_are_right_to_left_with_arabic_text(talent):
    star, _other, _first, _second = _catalog(talent)
    client = api(talent, own_address=True)
    for path in ("/", "/search/", f"/providers/{star.pk}/"):
        html = client.get(path).content.decode()
        assert '<html lang="ar" dir="rtl">' in html, path
        assert "بحث" in html, path  # "Search", in the navigation
    profile = client.get(f"/providers/{star.pk}/").content.decode()
    # Dates and numbers per the Arabic locale (Babel): the weekday names of the calendar.
    assert "الاثنين" in profile
    assert escape("Blaze Troupe") in profile


def test_mail_is_in_the_recipients_language(fire, talent):
    with tenant_context(fire):
        arabic = User.objects.create_user(email="layla@example.com", password=None, language="ar")
        mail.outbox.clear()
        magic_link_send(email=arabic.email)
    (message,) = mail.outbox
    assert "رابط تسجيل الدخول الخاص بك" in message.subject
    assert message.extra_headers["Content-Language"] == "ar"

    with tenant_context(talent):  # Arabic by default, but this user reads English
        english = User.objects.create_user(email="sam@example.com", password=None, language="en")
        mail.outbox.clear()
        magic_link_send(email=english.email)
    (message,) = mail.outbox
    assert (
        "Your log-in link" in message.subject and message.extra_headers["Content-Language"] == "en"
    )
