"""Listing search pages: facets, cursors, query counts, and what a hit shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import (
    ListingPackage,
    ListingType,
    TicketTier,
)
from tests.support.factories.search import LONDON, TO_LONDON_GRID_KM
from tests.support.search import get, titles


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
