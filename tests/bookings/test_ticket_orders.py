"""Ticket orders of several tiers: one booking with a line per tier, held, priced, paid and
released as one; its money split over the lines exactly; the organiser's figures per tier
from the lines; and every refusal leaves every tier as it was."""

import pytest
from django_tenants.utils import tenant_context

from bookings.models import Attendee, Booking, TicketLine
from bookings.services.payments import booking_mark_paid
from catalog.models import TicketTier
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import event


@pytest.fixture
def concert(events):
    organiser, profile = provider_party(events)
    with tenant_context(events):
        listing = event(provider=profile, capacity=50, price_minor=2500)
        general = listing.ticket_tiers.get()
        vip = TicketTier.objects.create(
            listing=listing, name="VIP", price_minor=9_999, capacity=3, position=1
        )
    return organiser, listing, general, vip


def _sold(marketplace, *tiers):
    with tenant_context(marketplace):
        return [TicketTier.objects.get(pk=tier.pk).sold for tier in tiers]


def _order(customer, listing, tickets, **extra):
    return customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "tickets": tickets, **extra}
    )


def test_an_order_of_two_tiers_is_one_booking_priced_held_paid_and_released_as_one(
    events, concert, django_capture_on_commit_callbacks
):
    organiser, listing, general, vip = concert
    customer = party(events)
    response = _order(
        customer,
        listing,
        [{"tier_id": general.pk, "quantity": 2}, {"tier_id": vip.pk, "quantity": 1}],
        attendees=[{"name": "Ada"}, {"name": "Bo"}, {"name": "Cy", "email": "cy@example.com"}],
    )
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["quantity"] == 3 and booking["ticket_tier"] is None
    assert booking["tickets"] == [
        {"tier_id": general.pk, "tier_name": "General", "quantity": 2, "unit_price_minor": 2500},
        {"tier_id": vip.pk, "tier_name": "VIP", "quantity": 1, "unit_price_minor": 9_999},
    ]
    assert booking["money"]["price_minor"] == 2 * 2500 + 9_999
    assert _sold(events, general, vip) == [2, 1]

    with tenant_context(events):
        saved = Booking.objects.get(pk=booking["id"])
        lines = list(TicketLine.objects.filter(booking=saved).order_by("tier__position"))
        holders = list(Attendee.objects.filter(booking=saved).order_by("id"))
    # The lines sum exactly to the booking's frozen money, split by their prices.
    assert [line.price_minor for line in lines] == [5000, 9_999]
    assert sum(line.buyer_fee_minor for line in lines) == saved.buyer_fee_minor > 0
    assert sum(line.provider_payout_minor for line in lines) == saved.provider_payout_minor
    assert lines[1].provider_payout_minor > lines[0].provider_payout_minor
    # One holder per ticket, in the order of the lines.
    assert [(h.name, h.tier_id) for h in holders] == [
        ("Ada", general.pk),
        ("Bo", general.pk),
        ("Cy", vip.pk),
    ]

    with tenant_context(events), django_capture_on_commit_callbacks(execute=True):
        paid = booking_mark_paid(
            booking_id=saved.pk,
            amount_minor=saved.buyer_total_minor,
            currency=saved.currency,
            reference=f"order-{saved.pk}",
        )
    assert paid.state == "issued"
    figures = organiser.api.get(f"/api/v1/listings/{listing.pk}/ticket-metrics/").json()
    by_name = {row["name"]: row for row in figures["tiers"]}
    assert (by_name["General"]["sold"], by_name["VIP"]["sold"]) == (2, 1)
    assert (by_name["General"]["orders"], by_name["VIP"]["orders"]) == (1, 1)
    assert by_name["VIP"]["gross_minor"] == 9_999
    assert figures["totals"]["orders"] == 1  # one order, though it has two tiers
    assert figures["totals"]["gross_minor"] == saved.price_minor
    assert figures["totals"]["buyer_total_minor"] == saved.buyer_total_minor
    assert figures["totals"]["organiser_payout_minor"] == saved.provider_payout_minor

    # The listing as the organiser's list shows it carries the lines without a query per row.
    listed = customer.api.get("/api/v1/bookings/?role=customer").json()["results"]
    assert listed[0]["tickets"] == booking["tickets"]


def test_releasing_an_order_gives_every_tier_its_seats_back(events, concert):
    _organiser, listing, general, vip = concert
    customer = party(events)
    booking = _order(
        customer,
        listing,
        [{"tier_id": vip.pk, "quantity": 3}, {"tier_id": general.pk, "quantity": 4}],
    ).json()
    assert _sold(events, general, vip) == [4, 3]
    released = customer.api.post(f"/api/v1/bookings/{booking['id']}/transitions/release/")
    assert released.status_code == 200, released.content
    assert _sold(events, general, vip) == [0, 0]


def test_one_tier_with_ticket_tier_id_still_books_and_reads_as_before(events, concert):
    _organiser, listing, general, _vip = concert
    response = party(events).api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "ticket_tier_id": general.pk, "quantity": 2}
    )
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["ticket_tier"] == {"id": general.pk, "name": "General"}
    assert [line["quantity"] for line in booking["tickets"]] == [2]


@pytest.mark.parametrize(
    ("tickets", "extra", "status", "code"),
    [
        # Both forms at once.
        ("two", {"ticket_tier_id": "general", "quantity": 1}, 400, "invalid"),
        # A tier named twice.
        ("twice", {}, 400, "invalid"),
        # More than 20 tickets in one order.
        ("too_many", {}, 400, "invalid_quantity"),
        # A tier of another event.
        ("elsewhere", {}, 400, "invalid"),
        # The second tier cannot hold its quantity: neither tier is taken.
        ("vip_sold_out", {}, 409, "sold_out"),
        # Three tickets, two holders named.
        ("two", {"attendees": [{"name": "A"}, {"name": "B"}]}, 400, "invalid"),
        # A quantity of zero.
        ("zero", {}, 400, "invalid"),
    ],
)
def test_a_refused_order_changes_nothing(events, concert, tickets, extra, status, code):
    organiser, listing, general, vip = concert
    with tenant_context(events):
        other = event(provider=listing.provider, slug="another-night")
        other_tier = other.ticket_tiers.get()

    def line(tier, quantity):
        return {"tier_id": tier.pk, "quantity": quantity}

    orders = {
        "two": [line(general, 2), line(vip, 1)],
        "twice": [line(general, 1), line(general, 1)],
        "too_many": [line(general, 19), line(vip, 2)],
        "elsewhere": [line(general, 1), line(other_tier, 1)],
        "vip_sold_out": [line(general, 2), line(vip, 4)],
        "zero": [line(general, 0)],
    }
    if extra.get("ticket_tier_id") == "general":
        extra = {**extra, "ticket_tier_id": general.pk}
    customer = party(events)
    error = assert_error(_order(customer, listing, orders[tickets], **extra), status, code)
    if code == "sold_out":
        assert error["details"]["tier_id"] == vip.pk and "VIP" in error["message"]
    assert _sold(events, general, vip, other_tier) == [0, 0, 0]
    with tenant_context(events):
        assert not Booking.objects.filter(customer=customer.user).exists()
        assert not TicketLine.objects.exists()


def test_a_tier_once_ordered_is_kept_though_its_order_was_released(events, concert):
    organiser, listing, general, vip = concert
    customer = party(events)
    booking = _order(customer, listing, [{"tier_id": vip.pk, "quantity": 1}]).json()
    customer.api.post(f"/api/v1/bookings/{booking['id']}/transitions/release/")
    assert _sold(events, vip) == [0]
    only_general = [{"name": "General", "price_minor": 2500, "capacity": 50}]
    error = assert_error(
        organiser.api.patch(f"/api/v1/listings/{listing.pk}/", {"ticket_tiers": only_general}),
        409,
        "tier_has_sales",
    )
    assert error["details"] == {"ticket_tiers": ["VIP"]}
    with tenant_context(events):
        assert TicketTier.objects.filter(pk=vip.pk).exists()
