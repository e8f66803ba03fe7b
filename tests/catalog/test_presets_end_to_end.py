"""For each kind of listing the presets sell: a provider drafts it, publishes it; a customer
reads it and saves it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from catalog.models import Favorite, Listing, ListingPackage, TicketTier
from tests.support.client import api
from tests.support.factories.accounts import ProviderUserFactory, user_in
from tests.support.factories.catalog import category_id, listing_type_id


def sell(marketplace, *, type_slug, category_slug, fields, profile=None, currency=None):
    """Profile → draft → publish → customer reads and favourites. Returns the listing body."""
    provider = api(marketplace, user_in(marketplace, ProviderUserFactory))
    created = provider.put(
        "/api/v1/provider-profile/", {"display_name": "Amira", **(profile or {})}
    )
    assert created.status_code == 201, created.content

    draft = provider.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(marketplace, type_slug),
            "category": category_id(marketplace, category_slug),
            "title": "Something worth buying",
            "description": '<p>Hello <script>alert(1)</script><a href="https://x.test">x</a></p>',
            "tags": ["Night", "night", " Outdoor "],
            **fields,
        },
    )
    assert draft.status_code == 201, draft.content
    body = draft.json()
    assert body["status"] == "draft"
    assert body["currency"] == (currency or marketplace.default_currency)
    assert body["tags"] == ["night", "outdoor"]
    assert "<script>" not in body["description"]
    assert 'rel="nofollow noopener"' in body["description"]

    customer = api(marketplace, user_in(marketplace))
    assert customer.get(f"/api/v1/listings/{body['id']}/").status_code == 404  # a draft

    published = provider.post(f"/api/v1/listings/{body['id']}/publish/")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"

    seen = customer.get(f"/api/v1/listings/{body['id']}/")
    assert seen.status_code == 200
    assert customer.get(f"/api/v1/listings/by-slug/{body['slug']}/").json()["id"] == body["id"]
    listed = customer.get(f"/api/v1/providers/{body['provider']['id']}/listings/").json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]

    first = customer.post(f"/api/v1/favorites/listings/{body['id']}/")
    again = customer.post(f"/api/v1/favorites/listings/{body['id']}/")
    assert (first.status_code, again.status_code) == (201, 200)
    saved = customer.get("/api/v1/favorites/").json()["results"]
    assert [f["listing"]["id"] for f in saved] == [body["id"]]
    with tenant_context(marketplace):
        assert Favorite.objects.filter(listing_id=body["id"]).count() == 1
        listing = Listing.objects.get(pk=body["id"])
        assert listing.search_vector is not None
    return seen.json()


def test_date_slot_performance_on_fire_performers(fire):
    body = sell(
        fire,
        type_slug="performance",
        category_slug="fire-poi",
        fields={
            "price_minor": 45000,
            "location_name": "Bristol",
            "latitude": 51.45,
            "longitude": -2.58,
        },
        profile={"travel_radius_km": 100},
    )
    assert (body["price_minor"], body["currency"]) == (45000, "GBP")
    assert body["listing_type"]["pricing"] == "date_slot"
    assert body["latitude"] == 51.45


def test_quote_service_on_talent_iq_may_start_from_zero(talent):
    body = sell(talent, type_slug="quoted-service", category_slug="oud", fields={})
    assert (body["price_minor"], body["currency"]) == (0, "IQD")


def test_talent_iq_accepts_its_second_currency(talent):
    body = sell(
        talent,
        type_slug="quoted-service",
        category_slug="oud",
        fields={"currency": "usd"},
        currency="USD",
    )
    assert body["currency"] == "USD"


def test_per_minute_reading_on_psychic_readers(make_marketplace):
    psychic = make_marketplace("psychic-readers")
    body = sell(
        psychic,
        type_slug="live-reading",
        category_slug="tarot",
        fields={"price_minor": 299},
        profile={"per_minute_rates": {"chat": 199, "video": 399}},
    )
    assert (body["price_minor"], body["currency"]) == (299, "USD")
    profile = api(psychic).get(f"/api/v1/providers/{body['provider']['id']}/").json()
    assert profile["per_minute_rates"] == {"chat": 199, "video": 399}


def test_digital_product_on_psychic_readers_has_no_stock(make_marketplace):
    psychic = make_marketplace("psychic-readers")
    body = sell(
        psychic,
        type_slug="digital-product",
        category_slug="astrology",
        fields={"price_minor": 1500, "stock": None},
    )
    assert (body["price_minor"], body["stock"]) == (1500, None)


def test_packages_gig_on_freelancers_takes_the_lowest_price(make_marketplace):
    freelancers = make_marketplace("freelancers")
    body = sell(
        freelancers,
        type_slug="gig",
        category_slug="logo-design",
        fields={
            "packages": [
                {"tier": "premium", "price_minor": 30000, "delivery_days": 7, "revisions": 5},
                {"tier": "basic", "price_minor": 5000, "delivery_days": 2},
                {"tier": "standard", "price_minor": 12000, "delivery_days": 4, "revisions": 2},
            ]
        },
    )
    assert body["price_minor"] == 5000
    assert [p["tier"] for p in body["packages"]] == ["basic", "standard", "premium"]
    with tenant_context(freelancers):
        assert ListingPackage.objects.filter(listing_id=body["id"]).count() == 3


def test_ticketed_event_on_events(make_marketplace):
    events = make_marketplace("events")
    starts = timezone.now() + timedelta(days=30)
    body = sell(
        events,
        type_slug="ticketed-event",
        category_slug="concerts",
        fields={
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=4)).isoformat(),
            "location_name": "Riverside Hall",
            "ticket_tiers": [
                {"name": "VIP", "price_minor": 6000, "capacity": 40},
                {"name": "Standing", "price_minor": 2000, "capacity": 300},
            ],
        },
    )
    assert body["price_minor"] == 2000
    assert [(t["name"], t["remaining"]) for t in body["ticket_tiers"]] == [
        ("VIP", 40),
        ("Standing", 300),
    ]
    with tenant_context(events):
        assert TicketTier.objects.filter(listing_id=body["id"]).count() == 2


@pytest.mark.parametrize("preset", ["freelancers", "events"])
def test_derived_price_types_refuse_a_hand_set_price(make_marketplace, preset):
    marketplace = make_marketplace(preset)
    provider = api(marketplace, user_in(marketplace, ProviderUserFactory))
    provider.put("/api/v1/provider-profile/", {"display_name": "Omar"})
    with tenant_context(marketplace):
        from catalog.models import Category, ListingType

        type_id = ListingType.objects.get().pk
        category = Category.objects.first().pk
    response = provider.post(
        "/api/v1/listings/",
        {"listing_type": type_id, "category": category, "title": "X", "price_minor": 100},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "field_not_for_type"
