"""Talent Iraq: request a quote, the provider prices it, the customer accepts, pays, gets the
job delivered and completes. IQD amounts are in fils (ISO 4217 exponent 3)."""

from datetime import timedelta

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from bookings.models import Booking, BookingEvent
from bookings.services.payments import booking_mark_paid
from bookings.services.timers import bookings_run_due_timers
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import listing_of

# 50,000 IQD and 5,000 IQD, in fils.
BIG_QUOTE = 50_000_000
SMALL_QUOTE = 5_000_000
# The preset's minimum fee: 1,000 IQD.
MINIMUM_FEE = 1_000_000


def _service(marketplace):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("quoted-service", provider=profile, price_minor=0)
    return provider, listing


def _request(customer, listing):
    response = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "note": "حفل زفاف في بغداد، ١٥٠ ضيفاً"}
    )
    assert response.status_code == 201, response.content
    return response.json()


def _quote(provider, booking_id, price_minor, message="السعر يشمل النقل"):
    return provider.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/quote/",
        {"price_minor": price_minor, "message": message},
    )


def test_quote_end_to_end(talent):
    provider, listing = _service(talent)
    customer = party(talent)
    body = _request(customer, listing)
    booking_id = body["id"]
    assert body["state"] == "requested"
    assert body["process"] == "quote"
    assert body["money"]["priced"] is False
    assert body["money"]["currency"] == "IQD"
    assert body["note"] == "حفل زفاف في بغداد، ١٥٠ ضيفاً"
    assert body["timer_transition"] == "expire"
    assert body["available_transitions"] == ["cancel", "decline"]

    quoted = _quote(provider, booking_id, BIG_QUOTE)
    assert quoted.status_code == 200, quoted.content
    quoted = quoted.json()
    assert quoted["state"] == "quoted"
    # Fees frozen with the quote: 10 % commission, above the 1,000 IQD minimum.
    money = quoted["money"]
    assert money["priced"] is True
    assert money["price_minor"] == BIG_QUOTE
    assert money["commission_minor"] == 5_000_000
    assert money["provider_payout_minor"] == 45_000_000
    assert money["buyer_total_minor"] == BIG_QUOTE
    assert money["due_minor"] == BIG_QUOTE
    with tenant_context(talent):
        event = BookingEvent.objects.get(booking_id=booking_id, transition="quote")
        assert event.data == {"price_minor": BIG_QUOTE, "message": "السعر يشمل النقل"}
        assert event.actor_role == "provider"

    accepted = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"

    with tenant_context(talent):
        paid = booking_mark_paid(
            booking_id=booking_id, amount_minor=BIG_QUOTE, currency="IQD", reference="fib-1"
        )
        assert paid.state == "paid"

    delivered = provider.api.post(
        f"/api/v1/bookings/{booking_id}/deliveries/", {"message": "تم تسليم العمل"}
    )
    assert delivered.status_code == 201, delivered.content
    assert customer.api.get(f"/api/v1/bookings/{booking_id}/").json()["state"] == "delivered"

    completed = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
    assert completed.status_code == 200, completed.content
    assert completed.json()["state"] == "completed"
    assert completed.json()["money"]["paid_minor"] == BIG_QUOTE

    history = provider.api.get(f"/api/v1/bookings/{booking_id}/events/").json()
    assert [e["transition"] for e in history] == [
        "create",
        "quote",
        "accept",
        "pay",
        "deliver",
        "complete",
    ]


def test_the_minimum_fee_applies_to_small_quotes(talent):
    provider, listing = _service(talent)
    booking_id = _request(party(talent), listing)["id"]
    money = _quote(provider, booking_id, SMALL_QUOTE).json()["money"]
    # 10 % would be 500 IQD; the preset's minimum fee is 1,000 IQD.
    assert money["commission_minor"] == MINIMUM_FEE
    assert money["provider_payout_minor"] == SMALL_QUOTE - MINIMUM_FEE


def test_refusals_change_nothing(talent):
    provider, listing = _service(talent)
    customer = party(talent)
    booking_id = _request(customer, listing)["id"]

    for bad in ({}, {"price_minor": 0}, {"price_minor": "lots"}, {"message": "soon"}):
        assert_error(
            provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/quote/", bad), 400
        )
    assert_error(_quote(customer, booking_id, BIG_QUOTE), 403, "wrong_actor")
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/"), 409, "wrong_state"
    )
    assert_error(
        provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/"), 403, "wrong_actor"
    )
    assert_error(_quote(party(talent), booking_id, BIG_QUOTE), 404)
    with tenant_context(talent):
        booking = Booking.objects.get(pk=booking_id)
        assert (booking.state, booking.priced, booking.price_minor) == ("requested", False, 0)
        assert list(booking.events.values_list("transition", flat=True)) == ["create"]

    # Once quoted, the price stands: no second quote.
    _quote(provider, booking_id, BIG_QUOTE)
    assert_error(_quote(provider, booking_id, SMALL_QUOTE), 409, "wrong_state")
    with tenant_context(talent):
        assert Booking.objects.get(pk=booking_id).price_minor == BIG_QUOTE


def test_an_unanswered_quote_expires_after_72_hours(talent):
    provider, listing = _service(talent)
    customer = party(talent)
    booking_id = _request(customer, listing)["id"]
    quoted_at = timezone.now()
    with time_machine.travel(quoted_at, tick=False):
        _quote(provider, booking_id, BIG_QUOTE)
    with tenant_context(talent):
        early = bookings_run_due_timers(now=quoted_at + timedelta(hours=71, minutes=59))
        assert early["fired"] == 0
        assert Booking.objects.get(pk=booking_id).state == "quoted"
        due = bookings_run_due_timers(now=quoted_at + timedelta(hours=72, seconds=1))
        assert due["fired"] == 1
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "expired"
        assert booking.timer_due_at is None
        event = booking.events.get(transition="expire")
        assert (event.actor_role, event.data) == ("system", {"timer": True})
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/"), 409, "wrong_state"
    )


def test_the_customer_declines_a_quote(talent):
    provider, listing = _service(talent)
    customer = party(talent)
    booking_id = _request(customer, listing)["id"]
    _quote(provider, booking_id, BIG_QUOTE)
    declined = customer.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/decline/", {"reason": "غالي جداً"}
    )
    assert declined.status_code == 200, declined.content
    assert declined.json()["state"] == "declined"
    assert declined.json()["timer_due_at"] is None
    with tenant_context(talent):
        event = BookingEvent.objects.get(booking_id=booking_id, transition="decline")
        assert (event.actor_role, event.data) == ("customer", {"reason": "غالي جداً"})


def test_another_marketplace_gets_404(talent, fire):
    provider, listing = _service(talent)
    booking_id = _request(party(talent), listing)["id"]
    outsider = party(fire)
    assert_error(outsider.api.get(f"/api/v1/bookings/{booking_id}/"), 404)
    assert_error(_quote(outsider, booking_id, BIG_QUOTE), 404)
    assert_error(outsider.api.get(f"/api/v1/bookings/{booking_id}/events/"), 404)
