"""Psychic readers' digital products: order with a quantity against stock, pay, deliver,
refund; unpaid orders are cancelled by the timer and give their stock back."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from bookings.models import Booking
from bookings.services.payments import booking_mark_paid
from bookings.services.timers import bookings_run_due_timers
from catalog.models import Listing
from config.errors import StateConflict
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import listing_of

PRICE = 1500  # USD 15.00


def _product(marketplace, stock):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("digital-product", provider=profile, price_minor=PRICE, stock=stock)
    return provider, listing


def _order(customer, listing, quantity):
    return customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "quantity": quantity})


def _stock(marketplace, listing):
    with tenant_context(marketplace):
        return Listing.objects.get(pk=listing.pk).stock


def test_order_pay_deliver_refund(psychic):
    provider, listing = _product(psychic, stock=3)
    customer = party(psychic)
    ordered = _order(customer, listing, 2)
    assert ordered.status_code == 201, ordered.content
    body = ordered.json()
    booking_id = body["id"]
    assert (body["process"], body["state"], body["quantity"]) == ("product_order", "ordered", 2)
    assert body["timer_transition"] == "cancel"
    assert body["money"]["price_minor"] == 2 * PRICE
    # 30 % to the marketplace, 70 % to the reader.
    money = provider.api.get(f"/api/v1/bookings/{booking_id}/").json()["money"]
    assert (money["commission_minor"], money["provider_payout_minor"]) == (900, 2100)
    assert _stock(psychic, listing) == 1

    with tenant_context(psychic):
        paid = booking_mark_paid(
            booking_id=booking_id, amount_minor=2 * PRICE, currency="USD", reference="pi_1"
        )
        assert (paid.state, paid.timer_due_at) == ("paid", None)
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/"), 409, "wrong_state"
    )

    delivered = provider.api.post(
        f"/api/v1/bookings/{booking_id}/deliveries/", {"message": "Your reading guide (PDF)."}
    )
    assert delivered.status_code == 201, delivered.content
    assert customer.api.get(f"/api/v1/bookings/{booking_id}/").json()["state"] == "delivered"

    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/refund/"), 403, "wrong_actor"
    )
    staff = staff_party(psychic)
    refunded = staff.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/refund/", {"reason": "File would not open"}
    )
    assert refunded.status_code == 200, refunded.content
    assert refunded.json()["state"] == "refunded"
    history = customer.api.get(f"/api/v1/bookings/{booking_id}/events/").json()
    assert [(e["transition"], e["actor_role"]) for e in history] == [
        ("create", "customer"),
        ("pay", "system"),
        ("deliver", "provider"),
        ("refund", "staff"),
    ]


def test_out_of_stock_is_refused_and_writes_nothing(psychic):
    provider, listing = _product(psychic, stock=3)
    assert _order(party(psychic), listing, 2).status_code == 201
    late = party(psychic)
    body = assert_error(_order(late, listing, 2), 409, "out_of_stock")
    assert body["details"] == {"remaining": 1, "requested": 2}
    assert _stock(psychic, listing) == 1
    with tenant_context(psychic):
        assert not Booking.objects.filter(customer=late.user).exists()
    assert _order(late, listing, 1).status_code == 201
    assert _stock(psychic, listing) == 0
    assert_error(_order(late, listing, 1), 409, "out_of_stock")


def test_no_stock_figure_means_unlimited(psychic):
    provider, listing = _product(psychic, stock=None)
    customer = party(psychic)
    ordered = _order(customer, listing, 100)
    assert ordered.status_code == 201, ordered.content
    assert ordered.json()["money"]["price_minor"] == 100 * PRICE
    assert _stock(psychic, listing) is None
    for bad in (0, 101, "two"):
        assert_error(_order(customer, listing, bad), 400)


def test_an_unpaid_order_is_cancelled_after_30_minutes_and_gives_stock_back(psychic):
    provider, listing = _product(psychic, stock=5)
    ordered_at = timezone.now()
    with time_machine.travel(ordered_at, tick=False):
        booking_id = _order(party(psychic), listing, 4).json()["id"]
    assert _stock(psychic, listing) == 1
    with tenant_context(psychic):
        assert bookings_run_due_timers(now=ordered_at + timedelta(minutes=29))["fired"] == 0
        assert (
            bookings_run_due_timers(now=ordered_at + timedelta(minutes=30, seconds=1))["fired"] == 1
        )
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "cancelled"
        assert booking.events.get(transition="cancel").actor_role == "system"
        # A payment arriving after the cancellation is not taken.
        with pytest.raises(StateConflict):
            booking_mark_paid(
                booking_id=booking_id, amount_minor=4 * PRICE, currency="USD", reference="late"
            )
    assert _stock(psychic, listing) == 5


def test_the_customer_cancels_an_unpaid_order(psychic):
    provider, listing = _product(psychic, stock=2)
    customer = party(psychic)
    booking_id = _order(customer, listing, 2).json()["id"]
    assert _stock(psychic, listing) == 0
    cancelled = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["state"] == "cancelled"
    assert _stock(psychic, listing) == 2


def test_another_marketplace_gets_404(psychic, fire):
    provider, listing = _product(psychic, stock=2)
    booking_id = _order(party(psychic), listing, 1).json()["id"]
    outsider = party(fire)
    assert_error(outsider.api.get(f"/api/v1/bookings/{booking_id}/"), 404)
    assert_error(outsider.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/"), 404)
    assert_error(
        outsider.api.post(f"/api/v1/bookings/{booking_id}/deliveries/", {"message": "x"}), 404
    )
    assert _stock(psychic, listing) == 2 - 1
