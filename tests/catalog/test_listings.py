from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from catalog.models import Listing, ListingEvent, TicketTier
from tests.support.client import api, assert_error
from tests.support.factories.accounts import ProviderUserFactory, staff_in, user_in
from tests.support.factories.catalog import category_id, listing_type_id, provider_in


def draft(marketplace, owner, **fields):
    response = api(marketplace, owner.user).post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(marketplace, "performance"),
            "category": category_id(marketplace, "fire-poi"),
            "title": "Fire poi show",
            "price_minor": 30000,
            **fields,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def published(marketplace, owner, **fields):
    body = draft(marketplace, owner, **fields)
    response = api(marketplace, owner.user).post(f"/api/v1/listings/{body['id']}/publish/")
    assert response.status_code == 200, response.content
    return response.json()


def test_only_providers_with_a_profile_create_listings(fire):
    customer = api(fire, user_in(fire))
    assert_error(customer.post("/api/v1/listings/", {"title": "x"}), 403, "forbidden")
    assert_error(api(fire).post("/api/v1/listings/", {"title": "x"}), 401)
    no_profile = api(fire, user_in(fire, ProviderUserFactory))
    response = no_profile.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(fire, "performance"),
            "category": category_id(fire, "fire-poi"),
            "title": "x",
        },
    )
    assert_error(response, 404, "no_profile")


def test_bad_input_is_refused_with_400(fire):
    owner = provider_in(fire)
    client = api(fire, owner.user)
    base = {
        "listing_type": listing_type_id(fire, "performance"),
        "category": category_id(fire, "fire-poi"),
        "title": "Show",
    }
    cases = [
        ({"price_minor": -1}, "invalid", "price_minor"),
        ({"price_minor": 10.5}, "invalid", "price_minor"),
        # past bigint: refused by the serializer, not overflowing in the database
        ({"price_minor": 10**22}, "invalid", "price_minor"),
        ({"category": 10**22}, "invalid", "category"),
        ({"latitude": 91, "longitude": 0}, "invalid", "latitude"),  # the schema's bounds
        ({"latitude": "north", "longitude": 0}, "invalid", "latitude"),
        ({"latitude": 51.5}, "invalid_coordinates", "longitude"),
        ({"category": 999_999}, "unknown_category", "category"),
        ({"listing_type": 999_999}, "unknown_listing_type", "listing_type"),
        ({"currency": "EUR"}, "currency_not_accepted", "currency"),
        ({"stock": 3}, "field_not_for_type", "stock"),
        ({"title": ""}, "invalid", "title"),
    ]
    for change, code, field in cases:
        body = assert_error(client.post("/api/v1/listings/", {**base, **change}), 400, code)
        assert field in body["details"], (change, body)
    with tenant_context(fire):
        assert not Listing.objects.exists()


def test_too_many_packages_and_bad_packages(make_marketplace):
    freelancers = make_marketplace("freelancers")
    owner = provider_in(freelancers)
    client = api(freelancers, owner.user)
    base = {
        "listing_type": listing_type_id(freelancers, "gig"),
        "category": category_id(freelancers, "logo-design"),
        "title": "Logo",
    }
    four = [
        {"tier": tier, "price_minor": 100, "delivery_days": 1}
        for tier in ("basic", "standard", "premium", "basic")
    ]
    assert_error(
        client.post("/api/v1/listings/", {**base, "packages": four}), 400, "too_many_packages"
    )
    twice = four[:1] * 2
    assert_error(client.post("/api/v1/listings/", {**base, "packages": twice}), 400)
    no_days = [{"tier": "basic", "price_minor": 100, "delivery_days": 0}]
    assert_error(client.post("/api/v1/listings/", {**base, "packages": no_days}), 400)
    negative = [{"tier": "basic", "price_minor": -5, "delivery_days": 1}]
    assert_error(client.post("/api/v1/listings/", {**base, "packages": negative}), 400)
    # A draft without packages is fine; publishing it is not.
    listing = client.post("/api/v1/listings/", base).json()
    body = assert_error(
        client.post(f"/api/v1/listings/{listing['id']}/publish/"), 422, "listing_incomplete"
    )
    assert "packages" in body["details"]


def test_publish_needs_a_complete_listing(fire):
    owner = provider_in(fire)
    listing = draft(fire, owner, price_minor=0)
    body = assert_error(
        api(fire, owner.user).post(f"/api/v1/listings/{listing['id']}/publish/"),
        422,
        "listing_incomplete",
    )
    assert list(body["details"]) == ["price_minor"]


def test_events_need_date_venue_and_tiers_to_publish(make_marketplace):
    events = make_marketplace("events")
    owner = provider_in(events)
    client = api(events, owner.user)
    listing = client.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(events, "ticketed-event"),
            "category": category_id(events, "concerts"),
            "title": "Gig",
        },
    ).json()
    body = assert_error(client.post(f"/api/v1/listings/{listing['id']}/publish/"), 422)
    assert set(body["details"]) == {"ticket_tiers", "starts_at", "location_name"}
    starts = timezone.now() + timedelta(days=3)
    bad_end = client.patch(
        f"/api/v1/listings/{listing['id']}/",
        {"starts_at": starts.isoformat(), "ends_at": (starts - timedelta(hours=1)).isoformat()},
    )
    assert_error(bad_end, 400)
    zero = [{"name": "GA", "price_minor": 100, "capacity": 0}]
    assert_error(client.patch(f"/api/v1/listings/{listing['id']}/", {"ticket_tiers": zero}), 400)


def test_sold_ticket_tiers_cannot_be_dropped_or_shrunk(make_marketplace):
    events = make_marketplace("events")
    owner = provider_in(events)
    client = api(events, owner.user)
    listing = client.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(events, "ticketed-event"),
            "category": category_id(events, "concerts"),
            "title": "Gig",
            "ticket_tiers": [
                {"name": "GA", "price_minor": 1000, "capacity": 100},
                {"name": "VIP", "price_minor": 5000, "capacity": 10},
            ],
        },
    ).json()
    with tenant_context(events):
        TicketTier.objects.filter(listing_id=listing["id"], name="VIP").update(sold=4)
    url = f"/api/v1/listings/{listing['id']}/"
    only_ga = [{"name": "GA", "price_minor": 1000, "capacity": 100}]
    assert_error(client.patch(url, {"ticket_tiers": only_ga}), 409, "tier_has_sales")
    shrunk = [*only_ga, {"name": "VIP", "price_minor": 5000, "capacity": 3}]
    assert_error(client.patch(url, {"ticket_tiers": shrunk}), 409, "capacity_below_sold")
    cheaper = [{"name": "GA", "price_minor": 800, "capacity": 120}, shrunk[1] | {"capacity": 4}]
    response = client.patch(url, {"ticket_tiers": cheaper})
    assert response.status_code == 200, response.content
    assert response.json()["price_minor"] == 800
    # The 4 seats taken (no booking paid for them here) are kept: held, not sold.
    tiers = response.json()["ticket_tiers"]
    assert [(t["held"], t["sold"], t["remaining"]) for t in tiers] == [(0, 0, 120), (4, 0, 0)]


def test_state_machine(fire):
    owner = provider_in(fire)
    client = api(fire, owner.user)
    listing = draft(fire, owner)
    url = f"/api/v1/listings/{listing['id']}"
    assert_error(client.post(f"{url}/pause/"), 409, "invalid_transition")
    assert client.post(f"{url}/publish/").json()["status"] == "published"
    assert_error(client.post(f"{url}/publish/"), 409, "invalid_transition")
    assert client.post(f"{url}/pause/").json()["status"] == "paused"
    assert api(fire).get(f"{url}/").status_code == 404  # paused: owner and staff only
    assert client.get(f"{url}/").status_code == 200
    assert client.post(f"{url}/publish/").json()["status"] == "published"
    assert client.post(f"{url}/archive/").json()["status"] == "archived"
    body = assert_error(client.post(f"{url}/publish/"), 409, "invalid_transition")
    assert body["details"] == {"from": "archived", "to": "published"}
    assert_error(client.patch(f"{url}/", {"title": "New"}), 409, "listing_archived")
    with tenant_context(fire):
        events = ListingEvent.objects.filter(listing_id=listing["id"])
        moves = [(e.from_status, e.to_status, e.actor_id) for e in events]
    uid = owner.user.pk
    assert moves == [
        ("draft", "published", uid),
        ("published", "paused", uid),
        ("paused", "published", uid),
        ("published", "archived", uid),
    ]


def test_a_published_listing_must_stay_complete(fire):
    owner = provider_in(fire)
    listing = published(fire, owner)
    response = api(fire, owner.user).patch(f"/api/v1/listings/{listing['id']}/", {"price_minor": 0})
    assert_error(response, 422, "listing_incomplete")
    with tenant_context(fire):
        assert Listing.objects.get(pk=listing["id"]).price_minor == 30000


def test_owner_edits_and_the_slug_follows_the_title_only_while_draft(fire):
    owner = provider_in(fire)
    client = api(fire, owner.user)
    listing = draft(fire, owner)
    url = f"/api/v1/listings/{listing['id']}/"
    changed = client.patch(url, {"title": "Blazing staff", "tags": ["Fire", "FIRE"]}).json()
    assert (changed["slug"], changed["tags"]) == ("blazing-staff", ["fire"])
    client.post(f"{url}publish/")
    assert client.patch(url, {"title": "Other"}).json()["slug"] == "blazing-staff"
    assert_error(client.patch(url, {"listing_type": 1}), 400)
    second = draft(fire, owner, title="Blazing staff")
    assert second["slug"].startswith("blazing-staff-") and second["slug"] != "blazing-staff"


def test_other_providers_and_customers_cannot_change_a_listing(fire):
    owner = provider_in(fire)
    other = api(fire, provider_in(fire).user)
    customer = api(fire, user_in(fire))
    hidden = draft(fire, owner)
    live = published(fire, owner)
    assert_error(other.patch(f"/api/v1/listings/{hidden['id']}/", {"title": "Mine"}), 404)
    assert_error(other.post(f"/api/v1/listings/{hidden['id']}/publish/"), 404)
    assert_error(other.get(f"/api/v1/listings/{hidden['id']}/"), 404)
    assert_error(other.patch(f"/api/v1/listings/{live['id']}/", {"title": "Mine"}), 403)
    assert_error(customer.post(f"/api/v1/listings/{live['id']}/pause/"), 403)


def test_staff_pause_archive_and_feature_but_do_not_publish(fire):
    owner = provider_in(fire)
    staff = api(fire, staff_in(fire))
    listing = published(fire, owner)
    url = f"/api/v1/listings/{listing['id']}"
    assert staff.post(f"{url}/feature/", {"featured": True}).json()["featured"] is True
    assert_error(api(fire, owner.user).post(f"{url}/feature/", {"featured": False}), 403)
    assert staff.post(f"{url}/pause/").json()["status"] == "paused"
    assert_error(staff.post(f"{url}/publish/"), 403)
    assert staff.get(f"{url}/").status_code == 200
    assert staff.post(f"{url}/archive/").json()["status"] == "archived"


def test_another_marketplaces_listing_ids_are_unknown(fire, talent):
    owner = provider_in(fire)
    listing = published(fire, owner)
    talent_staff = api(talent, staff_in(talent))
    talent_provider = api(talent, provider_in(talent).user)
    for client in (api(talent), talent_staff, talent_provider):
        assert_error(client.get(f"/api/v1/listings/{listing['id']}/"), 404)
        assert_error(client.get(f"/api/v1/listings/by-slug/{listing['slug']}/"), 404)
    assert_error(talent_provider.patch(f"/api/v1/listings/{listing['id']}/", {"title": "x"}), 404)
    assert_error(talent_provider.post(f"/api/v1/listings/{listing['id']}/publish/"), 404)
    assert_error(talent_staff.post(f"/api/v1/listings/{listing['id']}/archive/"), 404)
    assert_error(
        talent_staff.post(f"/api/v1/listings/{listing['id']}/feature/", {"featured": True}), 404
    )
    assert_error(api(talent).get(f"/api/v1/providers/{listing['provider']['id']}/listings/"), 404)


def test_owner_sees_drafts_in_their_lists_others_only_published(fire):
    owner = provider_in(fire)
    live = published(fire, owner)
    hidden = draft(fire, owner, title="Secret")
    public = api(fire).get(f"/api/v1/providers/{owner.pk}/listings/").json()["results"]
    assert [item["id"] for item in public] == [live["id"]]
    mine = api(fire, owner.user).get(f"/api/v1/providers/{owner.pk}/listings/").json()["results"]
    assert {item["id"] for item in mine} == {live["id"], hidden["id"]}
    drafts = api(fire, owner.user).get("/api/v1/provider-profile/listings/", {"status": "draft"})
    assert [item["id"] for item in drafts.json()["results"]] == [hidden["id"]]


def _count_queries(client, path, page_size):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(queries)


def test_listing_lists_keep_a_constant_query_count(make_marketplace):
    events = make_marketplace("events")
    owner = provider_in(events)
    client = api(events, owner.user)
    starts = (timezone.now() + timedelta(days=9)).isoformat()
    for n in range(20):
        listing = client.post(
            "/api/v1/listings/",
            {
                "listing_type": listing_type_id(events, "ticketed-event"),
                "category": category_id(events, "concerts"),
                "title": f"Night {n}",
                "starts_at": starts,
                "location_name": "Hall",
                "ticket_tiers": [
                    {"name": "GA", "price_minor": 1000, "capacity": 9},
                    {"name": "VIP", "price_minor": 3000, "capacity": 2},
                ],
            },
        ).json()
        client.post(f"/api/v1/listings/{listing['id']}/publish/")
    public = api(events)
    path = f"/api/v1/providers/{owner.pk}/listings/"
    assert _count_queries(public, path, 2) == _count_queries(public, path, 20)
    own = "/api/v1/provider-profile/listings/"
    assert _count_queries(client, own, 2) == _count_queries(client, own, 20)


def test_editing_packages_an_order_refers_to_archives_them(make_marketplace):
    freelancers = make_marketplace("freelancers")
    owner = provider_in(freelancers)
    client = api(freelancers, owner.user)
    basic = {"tier": "basic", "name": "Basic", "price_minor": 5000, "delivery_days": 3}
    standard = {"tier": "standard", "name": "Standard", "price_minor": 9000, "delivery_days": 5}
    created = client.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(freelancers, "gig"),
            "category": category_id(freelancers, "logo-design"),
            "title": "Logo",
            "packages": [basic, standard],
        },
    ).json()
    listing_id = created["id"]
    assert client.post(f"/api/v1/listings/{listing_id}/publish/").status_code == 200
    offered = {p["tier"]: p["id"] for p in created["packages"]}
    customer = api(freelancers, user_in(freelancers))
    order = customer.post(
        "/api/v1/bookings/", {"listing_id": listing_id, "package_id": offered["basic"]}
    )
    assert order.status_code == 201, order.content

    # The ordered package changes its price and the other is dropped.
    changed = client.patch(
        f"/api/v1/listings/{listing_id}/",
        {"packages": [{**basic, "price_minor": 6000}]},
    )
    assert changed.status_code == 200, changed.content
    packages = changed.json()["packages"]
    assert [(p["tier"], p["price_minor"]) for p in packages] == [("basic", 6000)]
    assert packages[0]["id"] != offered["basic"]
    assert changed.json()["price_minor"] == 6000
    shown = api(freelancers).get(f"/api/v1/listings/{listing_id}/").json()
    assert [p["id"] for p in shown["packages"]] == [packages[0]["id"]]

    # The order keeps its package and its terms.
    kept = customer.get(f"/api/v1/bookings/{order.json()['id']}/").json()
    assert kept["package"]["id"] == offered["basic"]
    assert kept["money"]["price_minor"] == 5000
    with tenant_context(freelancers):
        from catalog.models import ListingPackage

        archived = ListingPackage.objects.get(pk=offered["basic"])
        assert archived.archived_at is not None and archived.price_minor == 5000
        # Nothing referred to the dropped package: it is gone, not archived.
        assert not ListingPackage.objects.filter(pk=offered["standard"]).exists()

    # The archived package is no longer offered; the current one is.
    refused = customer.post(
        "/api/v1/bookings/", {"listing_id": listing_id, "package_id": offered["basic"]}
    )
    assert_error(refused, 400, "package_archived")
    again = customer.post(
        "/api/v1/bookings/", {"listing_id": listing_id, "package_id": packages[0]["id"]}
    )
    assert again.status_code == 201, again.content
    assert again.json()["money"]["price_minor"] == 6000

    # An unchanged package keeps its id; the archived tier may come back as a new package.
    same = client.patch(
        f"/api/v1/listings/{listing_id}/", {"packages": [{**basic, "price_minor": 6000}]}
    )
    assert [p["id"] for p in same.json()["packages"]] == [packages[0]["id"]]
