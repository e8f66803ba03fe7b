"""Hoarding: one customer may not hold a listing's tickets, stock or a provider's calendar.

The marketplace's limits (customer_hold_limit, customer_unit_limit, customer_booking_rate)
apply per customer; another customer still books. Staff change them through the API.
"""

import threading
from collections import Counter

from django.db import connection
from django_tenants.utils import tenant_context

from bookings.models import Booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.payments import booking_mark_paid
from config.errors import ServiceError
from tenants.models import Marketplace
from tests.bookings.test_concurrency import committed_marketplace, on_own_connection  # noqa: F401
from tests.support.client import api, assert_error
from tests.support.factories.accounts import UserFactory
from tests.support.factories.bookings import evening, party, provider_party, staff_party
from tests.support.factories.catalog import ProviderProfileFactory, event, gig, listing_of


def _limits(marketplace, **limits):
    Marketplace.objects.filter(pk=marketplace.pk).update(**limits)


def _event(marketplace, capacity=100):
    _, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = event(provider=profile, capacity=capacity)
        return listing, listing.ticket_tiers.get()


def _reserve(customer, listing, tier, quantity=1):
    return customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "ticket_tier_id": tier.pk, "quantity": quantity},
    )


def _product(marketplace, stock):
    _, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        return listing_of("digital-product", provider=profile, price_minor=1500, stock=stock)


def _order(customer, listing, quantity=1):
    return customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "quantity": quantity})


def _pay(marketplace, booking_id):
    with tenant_context(marketplace):
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference=f"hoard-{booking_id}",
        )


def test_tickets_past_the_hold_limit_are_refused_until_one_is_paid(events):
    listing, tier = _event(events)
    hoarder, other = party(events), party(events)
    first = _reserve(hoarder, listing, tier)
    assert first.status_code == 201, first.content
    assert _reserve(hoarder, listing, tier).status_code == 201
    refused = assert_error(_reserve(hoarder, listing, tier), 422, "hold_limit")
    assert refused["details"] == {"limit": 2, "open": 2}
    assert _reserve(other, listing, tier).status_code == 201
    with tenant_context(events):
        tier.refresh_from_db()
        assert tier.sold == 3
    # A paid reservation holds nothing any more: the customer may reserve again.
    _pay(events, first.json()["id"])
    assert _reserve(hoarder, listing, tier).status_code == 201


def test_tickets_past_the_unit_limit_are_refused_paid_or_not(events):
    listing, tier = _event(events)
    hoarder, other = party(events), party(events)
    bought = _reserve(hoarder, listing, tier, quantity=20)
    assert bought.status_code == 201, bought.content
    _pay(events, bought.json()["id"])
    refused = assert_error(_reserve(hoarder, listing, tier), 422, "unit_limit")
    assert refused["details"] == {"limit": 20, "held": 20, "requested": 1}
    assert _reserve(other, listing, tier, quantity=20).status_code == 201
    with tenant_context(events):
        tier.refresh_from_db()
        assert tier.sold == 40


def test_product_stock_past_the_hold_and_unit_limits_is_refused(psychic):
    listing = _product(psychic, stock=100)
    hoarder, other = party(psychic), party(psychic)
    assert_error(_order(hoarder, listing, 21), 422, "unit_limit")
    assert _order(hoarder, listing, 10).status_code == 201
    assert _order(hoarder, listing, 5).status_code == 201
    assert_error(_order(hoarder, listing, 1), 422, "hold_limit")
    assert _order(other, listing, 20).status_code == 201
    with tenant_context(psychic):
        listing.refresh_from_db()
        assert listing.stock == 100 - 35
        assert Booking.objects.filter(customer=hoarder.user).count() == 2


def _request(customer, listing, days, inquiry=False):
    start, end = evening(days=days)
    return customer.api.post(
        "/api/v1/bookings/",
        {
            "listing_id": listing.pk,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "inquiry": inquiry,
        },
    )


def test_date_requests_past_the_hold_limit_are_refused_also_from_an_inquiry(fire):
    provider, profile = provider_party(fire)
    with tenant_context(fire):
        listing = listing_of("performance", provider=profile, price_minor=60000)
    hoarder, other = party(fire), party(fire)
    assert _request(hoarder, listing, 30).status_code == 201
    assert _request(hoarder, listing, 31).status_code == 201
    assert_error(_request(hoarder, listing, 32), 422, "hold_limit")
    # An inquiry holds nothing, so it is allowed; turning it into a request holds the time.
    inquiry = _request(hoarder, listing, 33, inquiry=True)
    assert inquiry.status_code == 201, inquiry.content
    assert inquiry.json()["state"] == "inquiry"
    assert_error(
        hoarder.api.post(f"/api/v1/bookings/{inquiry.json()['id']}/transitions/request/"),
        422,
        "hold_limit",
    )
    assert _request(other, listing, 32).status_code == 201
    with tenant_context(fire):
        held = Booking.objects.filter(listing=listing, state="requested")
        assert sorted(held.values_list("customer_id", flat=True)) == sorted(
            [hoarder.user.pk, hoarder.user.pk, other.user.pk]
        )


def test_booking_rate_past_the_limit_is_throttled(gigs):
    _limits(gigs, customer_booking_rate=3)
    _, profile = provider_party(gigs)
    with tenant_context(gigs):
        listing = gig(provider=profile)
        package = listing.packages.first()
    customer, other = party(gigs), party(gigs)
    order = {"listing_id": listing.pk, "package_id": package.pk}
    for _ in range(3):
        assert customer.api.post("/api/v1/bookings/", order).status_code == 201
    response = customer.api.post("/api/v1/bookings/", order)
    body = assert_error(response, 429, "throttled")
    assert body["details"]["limit"] == 3
    assert 3500 < body["details"]["retry_after"] <= 3600
    assert response.headers["Retry-After"] == str(body["details"]["retry_after"])
    assert customer.api.get("/api/v1/bookings/").json()["count"] == 3
    assert other.api.post("/api/v1/bookings/", order).status_code == 201


def test_staff_change_the_limits_through_the_api_and_they_apply(
    events, django_capture_on_commit_callbacks
):
    listing, tier = _event(events)
    staff, customer = staff_party(events), party(events)
    anonymous = api(events)
    shown = anonymous.get("/api/v1/marketplace/").json()["marketplace"]
    assert (shown["customer_hold_limit"], shown["customer_unit_limit"]) == (2, 20)
    assert shown["customer_booking_rate"] == 30

    # Committed, the change invalidates every process's cached marketplace row.
    with django_capture_on_commit_callbacks(execute=True):
        changed = staff.api.patch("/api/v1/marketplace/", {"customer_hold_limit": 1})
    assert changed.status_code == 200, changed.content
    assert changed.json()["marketplace"]["customer_hold_limit"] == 1
    assert anonymous.get("/api/v1/marketplace/").json()["marketplace"]["customer_hold_limit"] == 1
    assert _reserve(customer, listing, tier).status_code == 201
    assert_error(_reserve(customer, listing, tier), 422, "hold_limit")

    # 0 lifts the limit.
    assert staff.api.patch("/api/v1/marketplace/", {"customer_hold_limit": 0}).status_code == 200
    assert _reserve(customer, listing, tier).status_code == 201

    bad = assert_error(
        staff.api.patch("/api/v1/marketplace/", {"customer_unit_limit": -1}), 400, "invalid"
    )
    assert "customer_unit_limit" in bad["details"]
    assert_error(staff.api.patch("/api/v1/marketplace/", {"customer_booking_rate": 10**6}), 400)
    # A PATCH of nothing changes nothing and answers the settings as they are.
    unchanged = staff.api.patch("/api/v1/marketplace/", {})
    assert unchanged.status_code == 200
    assert unchanged.json()["marketplace"]["customer_hold_limit"] == 0
    assert_error(customer.api.patch("/api/v1/marketplace/", {"customer_hold_limit": 50}), 403)
    assert_error(anonymous.patch("/api/v1/marketplace/", {"customer_hold_limit": 50}), 401)
    assert Marketplace.objects.get(pk=events.pk).customer_hold_limit == 0


def test_one_customer_racing_for_tickets_gets_no_more_than_the_hold_limit(
    committed_marketplace,  # noqa: F811
):
    events = committed_marketplace("events")

    def setup():
        listing = event(capacity=100, provider=ProviderProfileFactory())
        return listing, listing.ticket_tiers.get(), UserFactory()

    listing, tier, customer = on_own_connection(lambda: _in(events, setup))
    attempts = 8
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run():
        try:
            connection.set_tenant(events)
            barrier.wait(timeout=30)
            try:
                booking_create(
                    actor=customer,
                    request=BookingRequest(
                        listing_id=listing.pk, ticket_tier_id=tier.pk, quantity=1
                    ),
                )
                outcome = "won"
            except ServiceError as exc:
                outcome = f"{exc.status} {exc.code}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(outcomes) == Counter({"won": 2, "422 hold_limit": attempts - 2})


def _in(marketplace, function):
    with tenant_context(marketplace):
        return function()


def test_the_limits_count_per_listing(events):
    first, first_tier = _event(events)
    second, second_tier = _event(events)
    customer = party(events)
    for _ in range(2):
        assert _reserve(customer, first, first_tier).status_code == 201
    assert_error(_reserve(customer, first, first_tier), 422, "hold_limit")
    assert _reserve(customer, second, second_tier).status_code == 201
