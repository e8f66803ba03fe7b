import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from catalog.models import (
    AvailabilityEntry,
    ListingPackage,
    ListingType,
    ProviderProfile,
    TicketTier,
    WeeklyHours,
)
from catalog.search.categories import CategoryTree
from catalog.selectors.search import INLINE_INACTIVE_PROVIDERS
from tests.search.conftest import get, titles

LONDON = (51.5074, -0.1278)
# From LONDON, a provider there is shown at their public grid point (51.51, -0.13): 0.33 km.
TO_LONDON_GRID_KM = 0.3
BRIGHTON = (50.8225, -0.1372)  # ~76 km south of London
MANCHESTER = (53.4808, -2.2426)  # ~262 km from London


@pytest.fixture
def performer(in_fire):
    return in_fire.provider("Blaze Collective", lat=LONDON[0], lon=LONDON[1])


def test_text_ranks_title_hits_above_description_hits(fire, in_fire, performer):
    in_fire.listing(
        performer,
        "Juggling and clowning",
        category="juggling",
        description="<p>Ends with a short bit of fire breathing.</p>",
    )
    in_fire.listing(performer, "Fire breathing spectacular", category="fire-breathing")
    in_fire.listing(performer, "LED hula hoop glow show", category="led-hula-hoop")
    in_fire.reindex()

    status, body = get(fire, "listings", q="fire breathing")

    assert status == 200
    assert titles(body) == ["Fire breathing spectacular", "Juggling and clowning"]
    assert body["sort"] == "relevance"


def test_english_stemming_and_websearch_syntax(fire, in_fire, performer):
    in_fire.listing(performer, "Stilt walkers for parades", category="stilt-walking")
    in_fire.listing(performer, "Stilt walking with fire", category="stilt-walking")
    in_fire.reindex()

    _, body = get(fire, "listings", q="stilt walker -fire")

    assert titles(body) == ["Stilt walkers for parades"]


def test_typo_finds_title_by_trigram(fire, in_fire, performer):
    in_fire.listing(performer, "Fire breathing at your wedding", category="fire-breathing")
    in_fire.listing(performer, "Juggling workshop", category="juggling")
    in_fire.reindex()

    _, body = get(fire, "listings", q="fier breathing")
    _, misspelt = get(fire, "listings", q="jugglign")

    assert titles(body) == ["Fire breathing at your wedding"]
    assert titles(misspelt) == ["Juggling workshop"]


def test_typo_matches_follow_text_matches_while_text_finds_few(fire, in_fire, performer):
    in_fire.listing(performer, "Fire breathing duo", category="fire-breathing")
    in_fire.listing(performer, "Fire breathng solo", category="fire-breathing")  # misspelt
    in_fire.listing(performer, "LED poi", category="led-poi")
    in_fire.reindex()

    _, body = get(fire, "listings", q="fire breathing")

    assert titles(body) == ["Fire breathing duo", "Fire breathng solo"]


def test_arabic_text_in_talent_marketplace(talent, in_talent):
    oud = in_talent.provider("فرقة بغداد")
    in_talent.listing(oud, "عازف عود لحفلات الزفاف", category="oud", currency="IQD", price=150_000)
    in_talent.listing(oud, "تصوير حفلات", category="photography", currency="IQD", price=90_000)
    in_talent.reindex()

    _, body = get(talent, "listings", q="عود")
    _, english = get(talent, "listings", q="Baghdad")

    assert titles(body) == ["عازف عود لحفلات الزفاف"]
    assert english["results"] == []
    assert body["facets"]["currency"] == "IQD"


def test_only_published_listings_of_active_providers(fire, in_fire, performer):
    gone = in_fire.provider("Deactivated Dan", active=False)
    in_fire.listing(performer, "Fire poi duo", category="fire-poi")
    in_fire.listing(performer, "Fire poi draft", category="fire-poi", status="draft")
    in_fire.listing(performer, "Fire poi paused", category="fire-poi", status="paused")
    in_fire.listing(gone, "Fire poi by a gone provider", category="fire-poi")
    in_fire.reindex()

    _, body = get(fire, "listings", q="poi")
    _, unfiltered = get(fire, "listings")

    assert titles(body) == ["Fire poi duo"]
    assert titles(unfiltered) == ["Fire poi duo"]
    assert sum(c["count"] for c in unfiltered["facets"]["categories"]) == 1


def test_more_deactivated_providers_than_are_written_out(fire, in_fire, performer):
    """Past INLINE_INACTIVE_PROVIDERS, the deactivated providers are a sub-select."""
    gone = [in_fire.provider(f"Gone {i}", active=False) for i in range(2)]
    users = User.objects.bulk_create(
        User(
            email=f"gone-{i}@example.com",
            password="!",
            role=User.Role.PROVIDER,
            is_active=False,
        )
        for i in range(INLINE_INACTIVE_PROVIDERS)
    )
    ProviderProfile.objects.bulk_create(
        ProviderProfile(user=user, display_name=user.email) for user in users
    )
    in_fire.listing(performer, "Fire poi duo", category="fire-poi")
    for provider in gone:
        in_fire.listing(provider, "Fire poi by a gone provider", category="fire-poi")
    in_fire.reindex()

    tree, inactive = CategoryTree.load_with_inactive_providers(INLINE_INACTIVE_PROVIDERS)
    _, few = CategoryTree.load_with_inactive_providers(INLINE_INACTIVE_PROVIDERS + 2)
    _, body = get(fire, "listings", q="poi")

    assert inactive is None and tree.resolve("fire-poi")
    assert few is not None and {p.pk for p in gone} <= set(few)
    assert titles(body) == ["Fire poi duo"]
    assert sum(c["count"] for c in body["facets"]["categories"]) == 1


def test_category_includes_descendants(fire, in_fire, performer):
    in_fire.listing(performer, "Breather", category="fire-breathing")
    in_fire.listing(performer, "Staff spinner", category="fire-staff")
    in_fire.listing(performer, "Top-level fire act", category="fire")
    in_fire.listing(performer, "LED poi", category="led-poi")
    in_fire.reindex()

    _, parent = get(fire, "listings", category="fire", sort="price_asc")
    _, child = get(fire, "listings", category="fire-staff")

    assert sorted(titles(parent)) == ["Breather", "Staff spinner", "Top-level fire act"]
    assert titles(child) == ["Staff spinner"]


def test_tags_all_and_any(fire, in_fire, performer):
    in_fire.listing(performer, "Both", category="fire-poi", tags=["wedding", "festival"])
    in_fire.listing(performer, "Wedding only", category="fire-poi", tags=["wedding"])
    in_fire.listing(performer, "Neither", category="fire-poi", tags=["corporate"])
    in_fire.reindex()

    _, every = get(fire, "listings", tags="wedding,festival")
    _, some = get(fire, "listings", tags="wedding,festival", tags_mode="any")

    assert titles(every) == ["Both"]
    assert sorted(titles(some)) == ["Both", "Wedding only"]


def test_tags_signature_matches_its_python_twin_and_collisions_are_not_matches(
    fire, in_fire, performer
):
    from catalog.models import Listing
    from catalog.search.filters import tags_mask

    wedding_bit = tags_mask(["wedding"])
    twin = next(f"tag{i}" for i in range(10_000) if tags_mask([f"tag{i}"]) == wedding_bit)
    tags = ["wedding", "حفلات", "Zürich", twin]
    listing = in_fire.listing(performer, "Signature", category="fire-poi", tags=tags)
    in_fire.listing(performer, "Twin only", category="fire-poi", tags=[twin, "solo"])
    in_fire.listing(performer, "Untagged", category="fire-poi")
    in_fire.reindex()

    listing.refresh_from_db()
    assert listing.tags_signature == tags_mask(tags)
    assert Listing.objects.get(title="Untagged").tags_signature == 0
    # The twin sets the same bit as "wedding": the signature lets it through, the tags don't.
    _, body = get(fire, "listings", tags="wedding")
    assert titles(body) == ["Signature"]
    _, body = get(fire, "listings", tags="wedding,solo", tags_mode="any")
    assert sorted(titles(body)) == ["Signature", "Twin only"]
    _, body = get(fire, "listings", tags="حفلات,wedding")
    assert titles(body) == ["Signature"]


def test_price_range_and_price_sorts(fire, in_fire, performer):
    for title, price in [("Cheap", 5_000), ("Middle", 20_000), ("Dear", 90_000)]:
        in_fire.listing(performer, title, category="juggling", price=price)
    in_fire.reindex()

    _, ranged = get(fire, "listings", min_price=5_000, max_price=20_000, sort="price_desc")
    _, ascending = get(fire, "listings", sort="price_asc")

    assert titles(ranged) == ["Middle", "Cheap"]
    assert titles(ascending) == ["Cheap", "Middle", "Dear"]


def test_rating_badges_online_filters_and_rating_sort(fire, in_fire):
    star = in_fire.provider("Star", rating="4.80", badges=["insurance", "dbs"], online=True)
    good = in_fire.provider("Good", rating="4.20", badges=["insurance"])
    new = in_fire.provider("New", rating="0")
    for provider in (star, good, new):
        in_fire.listing(provider, f"{provider.display_name} juggling", category="juggling")
    in_fire.reindex()

    _, rated = get(fire, "listings", rating="4")
    _, by_rating = get(fire, "listings", sort="rating")
    _, badged = get(fire, "listings", badges="insurance,dbs")
    _, online = get(fire, "listings", online="true")

    assert sorted(titles(rated)) == ["Good juggling", "Star juggling"]
    assert titles(by_rating) == ["Star juggling", "Good juggling", "New juggling"]
    assert titles(badged) == ["Star juggling"]
    assert titles(online) == ["Star juggling"]


def test_listing_type_and_pricing(fire, in_fire, performer):
    tickets = ListingType.objects.create(
        slug="fire-show-tickets", name="Show tickets", pricing="tickets", process="tickets"
    )
    in_fire.listing(performer, "Booked act", category="fire")
    show = in_fire.listing(performer, "Ticketed show", category="fire", listing_type=tickets)
    front = TicketTier.objects.create(
        listing=show, name="Front row", price_minor=3_000, capacity=10
    )
    in_fire.reindex()

    _, by_type = get(fire, "listings", type="fire-show-tickets")
    _, by_pricing = get(fire, "listings", pricing="date_slot")

    assert titles(by_type) == ["Ticketed show"]
    assert by_type["results"][0]["ticket_tiers"] == [
        {"id": front.id, "name": "Front row", "price_minor": 3_000, "remaining": 10}
    ]
    assert by_type["results"][0]["listing_type"] == {
        "slug": "fire-show-tickets",
        "pricing": "tickets",
    }
    assert titles(by_pricing) == ["Booked act"]


def test_newest_is_default_without_text(fire, in_fire, performer):
    in_fire.listing(performer, "Old", category="fire", age_days=20)
    in_fire.listing(performer, "Fresh", category="fire", age_days=1)
    in_fire.listing(performer, "Middle", category="fire", age_days=5)
    in_fire.reindex()

    _, body = get(fire, "listings")

    assert body["sort"] == "newest"
    assert titles(body) == ["Fresh", "Middle", "Old"]


def test_geo_radius_uses_listing_or_provider_location_and_sorts_by_distance(fire, in_fire):
    london = in_fire.provider("London act", lat=LONDON[0], lon=LONDON[1])
    nowhere = in_fire.provider("No location")
    in_fire.listing(london, "At home in London", category="fire")
    in_fire.listing(london, "Gig in Brighton", category="fire", lat=BRIGHTON[0], lon=BRIGHTON[1])
    in_fire.listing(
        london, "Gig in Manchester", category="fire", lat=MANCHESTER[0], lon=MANCHESTER[1]
    )
    in_fire.listing(nowhere, "Somewhere", category="fire")
    in_fire.reindex()

    _, near = get(fire, "listings", lat=LONDON[0], lon=LONDON[1], radius_km=100, sort="distance")
    _, everything = get(fire, "listings", lat=BRIGHTON[0], lon=BRIGHTON[1], sort="distance")

    assert titles(near) == ["At home in London", "Gig in Brighton"]
    assert near["results"][0]["distance_km"] == TO_LONDON_GRID_KM
    assert 70 < near["results"][1]["distance_km"] < 80
    assert titles(everything) == [
        "Gig in Brighton",
        "At home in London",
        "Gig in Manchester",
        "Somewhere",
    ]
    assert everything["results"][-1]["distance_km"] is None


def test_available_on_date(fire, in_fire):
    monday = dt.date(2031, 6, 2)
    assert monday.weekday() == 0
    weekly = in_fire.provider("Works Mondays")
    WeeklyHours.objects.create(
        provider=weekly, weekday=0, start_time=dt.time(18), end_time=dt.time(23)
    )
    blocked = in_fire.provider("Mondays but blocked")
    WeeklyHours.objects.create(
        provider=blocked, weekday=0, start_time=dt.time(18), end_time=dt.time(23)
    )
    AvailabilityEntry.objects.create(provider=blocked, date=monday, status="blocked")
    extra = in_fire.provider("Extra day")
    AvailabilityEntry.objects.create(provider=extra, date=monday, status="available")
    in_fire.provider("Never")
    for provider in in_fire_providers():
        in_fire.listing(provider, provider.display_name, category="fire")
    in_fire.reindex()

    _, body = get(fire, "listings", available_on=monday.isoformat())
    _, tuesday = get(fire, "listings", available_on="2031-06-03")

    assert sorted(titles(body)) == ["Extra day", "Works Mondays"]
    assert titles(tuesday) == []


def in_fire_providers():
    from catalog.models import ProviderProfile

    return list(ProviderProfile.objects.all())


def test_facets_count_without_their_own_filter(fire, in_fire, performer):
    in_fire.listing(performer, "Breather cheap", category="fire-breathing", price=3_000)
    in_fire.listing(performer, "Breather dear", category="fire-breathing", price=70_000)
    in_fire.listing(performer, "Staff mid", category="fire-staff", price=20_000)
    in_fire.listing(performer, "LED mid", category="led-poi", price=20_000)
    in_fire.listing(performer, "Juggler cheap", category="juggling", price=4_000)
    in_fire.reindex()

    _, body = get(fire, "listings", category="fire", max_price=30_000)

    assert sorted(titles(body)) == ["Breather cheap", "Staff mid"]
    categories = {c["slug"]: c["count"] for c in body["facets"]["categories"]}
    # Category facet: the price filter applies, the category filter does not.
    assert categories == {"fire": 2, "led": 1, "circus": 1}
    bands = [(b["min_price"], b["max_price"], b["count"]) for b in body["facets"]["price_bands"]]
    # Price facet: the category filter applies, the price filter does not.
    assert bands == [
        (0, 5_000, 1),
        (5_000, 15_000, 0),
        (15_000, 30_000, 1),
        (30_000, 60_000, 0),
        (60_000, None, 1),
    ]
    assert body["facets"]["currency"] == "GBP"


def test_cursor_pages_have_no_duplicates_or_gaps_and_survive_inserts(fire, in_fire, performer):
    # Equal prices make the id tie-breaker do the work.
    made = [
        in_fire.listing(performer, f"Act {i:02d}", category="fire", price=1_000 * (i % 4))
        for i in range(23)
    ]
    in_fire.reindex()

    seen, cursor, pages = [], None, 0
    while True:
        params = {"sort": "price_asc", "page_size": 5, "facets": "false"}
        if cursor:
            params["cursor"] = cursor
        status, body = get(fire, "listings", **params)
        assert status == 200
        assert body["facets"] is None
        seen.extend(hit["id"] for hit in body["results"])
        pages += 1
        if pages == 2:
            # A cheap listing added mid-way sorts before the cursor: it must not shift pages.
            in_fire.listing(performer, "Late cheap", category="fire", price=0)
        cursor = body["next_cursor"]
        if not cursor:
            break

    expected = sorted(made, key=lambda listing: (listing.price_minor, listing.id))
    assert seen == [listing.id for listing in expected]
    assert pages == 5


def test_relevance_cursor_paginates(fire, in_fire, performer):
    for i in range(7):
        in_fire.listing(
            performer,
            "Fire show " + "fire " * (i % 3),
            category="fire",
            description=f"number {i}",
        )
    in_fire.reindex()

    _, first = get(fire, "listings", q="fire", page_size=4)
    _, second = get(fire, "listings", q="fire", page_size=4, cursor=first["next_cursor"])

    ids = [hit["id"] for hit in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 7
    assert second["next_cursor"] is None


def test_query_count_is_the_same_at_page_sizes_2_and_20(fire, in_fire):
    tickets = ListingType.objects.create(
        slug="qc-tickets", name="Tickets", pricing="tickets", process="tickets"
    )
    gigs = ListingType.objects.create(
        slug="qc-gigs", name="Gigs", pricing="packages", process="package_order"
    )
    for i in range(25):
        provider = in_fire.provider(f"Performer {i}", lat=LONDON[0], lon=LONDON[1])
        # Alternating kinds, so every page of 2 or more holds both.
        listing = in_fire.listing(
            provider, f"Fire act {i}", category="fire-poi", listing_type=(tickets, gigs)[i % 2]
        )
        if i % 2:
            ListingPackage.objects.create(
                listing=listing, tier="basic", name="Basic", price_minor=10, delivery_days=1
            )
        else:
            TicketTier.objects.create(listing=listing, name="Standard", price_minor=10, capacity=5)
    in_fire.reindex()

    get(fire, "listings")  # warm the host routing cache
    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            status, body = get(
                fire, "listings", q="fire", page_size=size, lat=LONDON[0], lon=LONDON[1]
            )
        assert status == 200 and len(body["results"]) == size
        kinds = {bool(hit["packages"]) for hit in body["results"]}
        assert kinds == {True, False}, "a page holds both kinds"
        assert {hit["packages"][0]["name"] for hit in body["results"] if hit["packages"]} == {
            "Basic"
        }
        counts[size] = len(captured)

    assert counts[2] == counts[20]
    # categories, then one statement for the page, its hits (media, packages, tiers) and the
    # facets (+ the host's routing lookups)
    search_queries = [q for q in captured.captured_queries if "catalog_" in q["sql"]]
    assert len(search_queries) == 2


def test_a_text_search_that_finds_few_adds_the_typo_parts_in_one_more_statement(
    fire, in_fire, performer
):
    in_fire.listing(performer, "Fire breathing", category="fire-breathing")
    in_fire.reindex()
    get(fire, "listings")  # warm the host routing cache
    with CaptureQueriesContext(connection) as captured:
        status, body = get(fire, "listings", q="fire breathing")
    assert status == 200 and len(body["results"]) == 1
    search_queries = [q["sql"] for q in captured.captured_queries if "catalog_" in q["sql"]]
    # categories, the typed search (1 match < TYPO_FALLBACK_BELOW), then with the typo parts
    assert len(search_queries) == 3
    assert "<%" not in search_queries[1] and "<%" in search_queries[2]


def test_a_filtered_text_search_that_finds_few_skips_the_typo_parts_when_the_text_is_common(
    fire, in_fire, performer
):
    for i in range(20):
        in_fire.listing(performer, f"Fire breathing {i}", category="fire-breathing")
    in_fire.listing(performer, "Fire breathing on stilts", category="stilt-walking")
    in_fire.reindex()
    get(fire, "listings")  # warm the host routing cache
    with CaptureQueriesContext(connection) as captured:
        status, body = get(fire, "listings", q="fire breathing", category="stilt-walking")
    assert status == 200 and len(body["results"]) == 1
    # One match with the filter, but 21 without: the typo parts could add nothing.
    assert len([q for q in captured.captured_queries if "catalog_" in q["sql"]]) == 2


def test_hits_of_kinds_without_packages_or_tiers_show_none(fire, in_fire):
    for i in range(3):
        provider = in_fire.provider(f"Performer {i}", lat=LONDON[0], lon=LONDON[1])
        in_fire.listing(provider, f"Fire act {i}", category="fire-poi")
    in_fire.reindex()
    status, body = get(fire, "listings", q="fire")
    assert status == 200 and len(body["results"]) == 3
    assert all(hit["packages"] == [] and hit["ticket_tiers"] == [] for hit in body["results"])


def test_a_hit_shows_the_listing_its_provider_photo_packages_and_tiers(fire, in_fire):
    """The hit is shaped by PostgreSQL in the search statement; it must read exactly as the
    models do through the API's own serializers (media URLs, decimals, datetimes)."""
    from rest_framework.fields import DateTimeField

    from catalog.api.media import MediaItemSerializer
    from catalog.models import MediaItem

    provider = in_fire.provider(
        "Blaze Collective", lat=LONDON[0], lon=LONDON[1], rating="4.5", badges=["dbs"]
    )
    gigs = ListingType.objects.create(
        slug="hit-gigs", name="Gigs", pricing="packages", process="package_order"
    )
    gig = in_fire.listing(provider, "Fire poi gig", category="fire-poi", listing_type=gigs)
    gig.tags = ["wedding", "night"]
    gig.save(update_fields=["tags"])
    packages = {
        tier: ListingPackage.objects.create(
            listing=gig, tier=tier, name=tier.title(), price_minor=price, delivery_days=3
        )
        for tier, price in (("premium", 30_000), ("basic", 10_000))
    }
    photo = MediaItem.objects.create(
        listing=gig,
        kind="image",
        file=f"media/listings/{gig.id}/poi.jpg",
        content_type="image/jpeg",
        size_bytes=1234,
        width=800,
        height=600,
        thumbnails={"small": f"media/listings/{gig.id}/poi-small.jpg"},
        is_primary=True,
    )
    MediaItem.objects.create(
        listing=gig, kind="image", file="media/other.jpg", content_type="image/jpeg", size_bytes=1
    )
    tickets = ListingType.objects.create(
        slug="hit-tickets", name="Tickets", pricing="tickets", process="tickets"
    )
    show = in_fire.listing(provider, "Fire poi show", category="fire-poi", listing_type=tickets)
    vip = TicketTier.objects.create(
        listing=show, name="VIP", price_minor=5_000, capacity=10, sold=4
    )
    standard = TicketTier.objects.create(
        listing=show, name="Standard", price_minor=2_000, capacity=50
    )
    in_fire.reindex()

    status, body = get(fire, "listings", q="fire poi", lat=LONDON[0], lon=LONDON[1])
    assert status == 200
    hits = {hit["slug"]: hit for hit in body["results"]}
    hit = hits[gig.slug]
    photo_out = dict(MediaItemSerializer(photo).data)
    assert hit["primary_media"]["url"].endswith(photo_out["url"])
    assert hit["primary_media"]["thumbnails"]["small"].endswith(photo_out["thumbnails"]["small"])
    assert {k: v for k, v in hit["primary_media"].items() if k not in {"url", "thumbnails"}} == {
        k: v for k, v in photo_out.items() if k not in {"url", "thumbnails"}
    }
    assert hit == {
        **hit,
        "id": gig.id,
        "title": "Fire poi gig",
        "price_minor": 10_000,
        "currency": "GBP",
        "tags": ["wedding", "night"],
        "starts_at": None,
        "published_at": DateTimeField().to_representation(gig.published_at),
        "listing_type": {"slug": gigs.slug, "pricing": "packages"},
        "category": {**hit["category"], "id": gig.category_id, "slug": "fire-poi"},
        "provider": {
            "id": provider.id,
            "display_name": "Blaze Collective",
            "rating_avg": "4.50",
            "rating_count": 0,
            "badges": ["dbs"],
            "is_online": False,
        },
        "packages": [
            {
                "id": packages["basic"].id,
                "tier": "basic",
                "name": "Basic",
                "price_minor": 10_000,
                "delivery_days": 3,
                "revisions": 0,
            },
            {
                "id": packages["premium"].id,
                "tier": "premium",
                "name": "Premium",
                "price_minor": 30_000,
                "delivery_days": 3,
                "revisions": 0,
            },
        ],
        "ticket_tiers": [],
        "distance_km": TO_LONDON_GRID_KM,
    }
    assert hits[show.slug]["ticket_tiers"] == [  # by position, then price
        {"id": standard.id, "name": "Standard", "price_minor": 2_000, "remaining": 50},
        {"id": vip.id, "name": "VIP", "price_minor": 5_000, "remaining": 6},
    ]
    assert hits[show.slug]["primary_media"] is None and hits[show.slug]["packages"] == []
