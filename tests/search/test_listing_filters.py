"""Listing search filters: visibility, category, tags, price, rating, kind, place, date."""

import datetime as dt

from accounts.models import User
from catalog.models import (
    AvailabilityEntry,
    ListingType,
    ProviderProfile,
    TicketTier,
    WeeklyHours,
)
from catalog.search.categories import CategoryTree
from catalog.selectors.search import INLINE_INACTIVE_PROVIDERS
from tests.support.factories.search import BRIGHTON, LONDON, MANCHESTER, TO_LONDON_GRID_KM
from tests.support.search import get, titles


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
