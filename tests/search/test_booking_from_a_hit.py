"""A search hit carries what books it: a freelancers gig is ordered by a package id read from
its hit, with no second request for the listing."""

from django_tenants.utils import tenant_context

from bookings.models import Booking
from catalog.search.index import listings_reindex
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import event, gig
from tests.support.search import get


def test_a_gig_found_by_search_is_ordered_with_a_package_id_from_its_hit(make_marketplace):
    gigs = make_marketplace("freelancers")
    _, profile = provider_party(gigs)
    with tenant_context(gigs):
        listing = gig(provider=profile, title="Logo design in three days")
        listings_reindex()

    status, body = get(gigs, "listings", q="logo design")

    assert status == 200
    [hit] = [found for found in body["results"] if found["id"] == listing.id]
    by_tier = {package["tier"]: package for package in hit["packages"]}
    assert list(by_tier) == ["basic", "standard", "premium"]
    customer = party(gigs)
    response = customer.api.post(
        "/api/v1/bookings/", {"listing_id": hit["id"], "package_id": by_tier["standard"]["id"]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["package"]["id"] == by_tier["standard"]["id"]
    with tenant_context(gigs):
        booking = Booking.objects.get(pk=response.json()["id"])
        assert (booking.package.tier, booking.package.price_minor) == ("standard", 9000)


def test_an_event_found_by_search_is_booked_with_a_ticket_tier_id_from_its_hit(make_marketplace):
    events = make_marketplace("events")
    _, profile = provider_party(events)
    with tenant_context(events):
        listing = event(provider=profile, title="Rooftop jazz night")
        listings_reindex()

    status, body = get(events, "listings", q="rooftop jazz")

    assert status == 200
    [hit] = [found for found in body["results"] if found["id"] == listing.id]
    [tier] = hit["ticket_tiers"]
    customer = party(events)
    response = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": hit["id"], "ticket_tier_id": tier["id"], "quantity": 1},
    )
    assert response.status_code == 201, response.content
    with tenant_context(events):
        assert (
            Booking.objects.get(pk=response.json()["id"]).ticket_lines.get().tier_id == tier["id"]
        )
