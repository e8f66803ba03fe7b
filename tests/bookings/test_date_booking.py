"""Fire performers: request a date, accept, deposit, final payment, perform, complete."""

from datetime import timedelta

import time_machine
from django_tenants.utils import tenant_context

from bookings.models import Booking, BookingEvent
from bookings.services.payments import booking_mark_paid
from tests.support.client import assert_error
from tests.support.factories.bookings import evening, party, provider_party, staff_party
from tests.support.factories.catalog import listing_of


def _performance(marketplace, price_minor=60000):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile, price_minor=price_minor)
    return provider, listing


def _request(customer, listing, start, end, **extra):
    return customer.api.post(
        "/api/v1/bookings/",
        {
            "listing_id": listing.pk,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "note": "Garden party",
            **extra,
        },
    )


def _pay(marketplace, booking_id, amount, reference):
    with tenant_context(marketplace):
        booking = Booking.objects.get(pk=booking_id)
        return booking_mark_paid(
            booking_id=booking_id,
            amount_minor=amount,
            currency=booking.currency,
            reference=reference,
        )


def test_date_booking_end_to_end(fire):
    provider, listing = _performance(fire)
    customer = party(fire)
    start, end = evening()

    created = _request(customer, listing, start, end)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "requested"
    assert body["your_role"] == "customer"
    assert body["available_transitions"] == ["cancel"]
    # GBP 600.00, 8 % commission, 25 % deposit, no buyer fee: frozen on the booking.
    money = body["money"]
    assert money["price_minor"] == 60000
    assert money["deposit_minor"] == 15000
    assert money["balance_minor"] == 45000
    # The customer sees what they pay; the provider what they earn.
    assert "commission_minor" not in money and "provider_payout_minor" not in money
    earned = provider.api.get(f"/api/v1/bookings/{body['id']}/").json()["money"]
    assert (earned["commission_minor"], earned["provider_payout_minor"]) == (4800, 55200)
    assert "buyer_fee_minor" not in earned
    assert body["timer_transition"] == "expire"
    booking_id = body["id"]

    # The customer may not accept their own request; a stranger does not see it at all.
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/"), 403, "wrong_actor"
    )
    assert_error(party(fire).api.get(f"/api/v1/bookings/{booking_id}/"), 404)

    accepted = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    assert_error(
        provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/decline/"),
        409,
        "wrong_state",
    )

    assert _pay(fire, booking_id, 15000, "pay-1").state == "confirmed"
    # The same payment delivered twice counts once.
    assert _pay(fire, booking_id, 15000, "pay-1").paid_minor == 15000
    assert _pay(fire, booking_id, 45000, "pay-2").state == "paid"

    too_early = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
    assert_error(too_early, 409, "not_yet_performed")
    with time_machine.travel(end + timedelta(hours=1)):
        done = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "completed"

    history = customer.api.get(f"/api/v1/bookings/{booking_id}/events/").json()
    assert [e["transition"] for e in history] == [
        "create",
        "request",
        "accept",
        "pay_deposit",
        "pay_final",
        "complete",
    ]
    assert [e["to_state"] for e in history][-1] == "completed"
    # Another marketplace knows nothing of it.
    assert_error(party(fire).api.get(f"/api/v1/bookings/{booking_id}/events/"), 404)


def test_booking_ids_of_another_marketplace_are_not_found(fire, talent):
    provider, listing = _performance(fire)
    start, end = evening()
    booking_id = _request(party(fire), listing, start, end).json()["id"]
    stranger = party(talent)
    assert_error(stranger.api.get(f"/api/v1/bookings/{booking_id}/"), 404)
    assert_error(stranger.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/"), 404)
    assert stranger.api.get("/api/v1/bookings/").json()["results"] == []


def test_a_taken_date_is_refused_and_a_declined_one_is_free_again(fire):
    provider, listing = _performance(fire)
    start, end = evening()
    first = _request(party(fire), listing, start, end).json()
    clash = _request(party(fire), listing, start + timedelta(hours=1), end + timedelta(hours=1))
    assert_error(clash, 409, "slot_taken")
    # An inquiry holds nothing.
    inquiry = _request(party(fire), listing, start, end, inquiry=True)
    assert inquiry.status_code == 201 and inquiry.json()["state"] == "inquiry"

    provider.api.post(f"/api/v1/bookings/{first['id']}/transitions/decline/", {"reason": "Away"})
    again = _request(party(fire), listing, start, end)
    assert again.status_code == 201, again.content


def test_customer_cancellation_follows_the_rules(fire):
    provider, listing = _performance(fire)
    customer = party(fire)
    start, end = evening(days=5)
    booking_id = _request(customer, listing, start, end).json()["id"]
    provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    _pay(fire, booking_id, 15000, "dep")
    # Five days ahead: between 72 h and 14 days, half of what was paid comes back.
    cancelled = customer.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/cancel/", {"reason": "Rain"}
    )
    assert cancelled.status_code == 200, cancelled.content
    body = cancelled.json()
    assert body["state"] == "cancelled"
    assert body["cancelled_by"] == "customer"
    assert body["money"]["cancellation_refund_minor"] == 7500
    with tenant_context(fire):
        event = BookingEvent.objects.get(booking_id=booking_id, transition="cancel")
        assert event.data == {"reason": "Rain", "refund_minor": 7500, "paid_minor": 15000}


def test_bad_input_changes_nothing(fire):
    provider, listing = _performance(fire)
    customer = party(fire)
    start, end = evening()
    assert_error(_request(customer, listing, end, start), 400, "invalid_slot")
    assert_error(
        _request(customer, listing, start - timedelta(days=60), end - timedelta(days=60)), 400
    )
    assert_error(customer.api.post("/api/v1/bookings/", {"listing_id": 999999}), 404)
    assert_error(
        provider.api.post(
            "/api/v1/bookings/",
            {"listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        ),
        422,
        "own_listing",
    )
    with tenant_context(fire):
        assert not Booking.objects.exists()


def test_blocked_day_is_refused(fire):
    from catalog.models import AvailabilityEntry

    provider, listing = _performance(fire)
    start, end = evening()
    with tenant_context(fire):
        AvailabilityEntry.objects.create(
            provider=listing.provider, date=start.date(), status="blocked"
        )
    assert_error(_request(party(fire), listing, start, end), 409, "provider_unavailable")


def test_unanswered_request_expires_on_the_timer(fire):
    from bookings.services.timers import bookings_run_due_timers

    provider, listing = _performance(fire)
    start, end = evening()
    booking_id = _request(party(fire), listing, start, end).json()["id"]
    with tenant_context(fire):
        assert bookings_run_due_timers()["fired"] == 0
        with time_machine.travel(timedelta(hours=73)):
            result = bookings_run_due_timers()
        assert result["fired"] == 1
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "expired"
        assert booking.timer_due_at is None
    # Expired requests hold nothing: the date can be booked again.
    assert _request(party(fire), listing, start, end).status_code == 201
    assert staff_party(fire).api.get(f"/api/v1/bookings/{booking_id}/").status_code == 200


def test_held_time_leaves_the_providers_calendar(fire):
    from zoneinfo import ZoneInfo

    from catalog.models import AvailabilityEntry

    provider, listing = _performance(fire)
    start, end = evening()
    zone = ZoneInfo(fire.time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    with tenant_context(fire):
        AvailabilityEntry.objects.create(
            provider=listing.provider, date=local_start.date(), status="available"
        )
    day = local_start.date().isoformat()
    path = f"/api/v1/providers/{listing.provider_id}/availability/?from={day}&to={day}"
    viewer = party(fire)
    assert viewer.api.get(path).json()["days"][0]["slots"] == [{"start": "00:00", "end": "24:00"}]
    booking_id = _request(party(fire), listing, start, end).json()["id"]
    slots = viewer.api.get(path).json()["days"][0]["slots"]
    assert slots == [
        {"start": "00:00", "end": local_start.strftime("%H:%M")},
        {"start": local_end.strftime("%H:%M"), "end": "24:00"},
    ]
    # Declined, the evening is free again.
    provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/decline/")
    assert viewer.api.get(path).json()["days"][0]["slots"] == [{"start": "00:00", "end": "24:00"}]


def test_provider_hears_of_a_request_once(fire, django_capture_on_commit_callbacks):
    from bookings.models import Notification

    provider, listing = _performance(fire)
    start, end = evening()
    with django_capture_on_commit_callbacks(execute=True):
        assert _request(party(fire), listing, start, end).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        later = start + timedelta(days=1)
        inquiry = _request(party(fire), listing, later, later + timedelta(hours=2), inquiry=True)
        assert inquiry.status_code == 201
    with tenant_context(fire):
        kinds = list(
            Notification.objects.filter(user=provider.user)
            .order_by("id")
            .values_list("kind", flat=True)
        )
    assert kinds == ["new_request", "new_inquiry"]


def test_side_effects_run_in_the_bookings_marketplace_whatever_the_schema_at_commit(
    fire, django_capture_on_commit_callbacks
):
    """A command that provisions several marketplaces commits after leaving each schema
    (make demo does): the queued notification still goes to the booking's marketplace."""
    from bookings.models import Notification
    from bookings.services.creation import BookingRequest, booking_create
    from tests.support.factories.accounts import UserFactory

    provider, listing = _performance(fire)
    start, end = evening()
    # The callbacks run when the first context exits, after the second restored the public
    # schema.
    with django_capture_on_commit_callbacks(execute=True), tenant_context(fire):
        customer = UserFactory()
        booking_create(
            actor=customer,
            request=BookingRequest(listing_id=listing.pk, starts_at=start, ends_at=end),
        )
    with tenant_context(fire):
        assert Notification.objects.filter(user=provider.user, kind="new_request").exists()
