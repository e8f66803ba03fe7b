"""A payment reference counts once in a marketplace: again on its booking it is a no-op, on
another booking it is refused (409 payment_reference_used), also when both arrive at once."""

import threading

import pytest
from django_tenants.utils import tenant_context

from bookings.models import Booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.payments import booking_mark_paid
from config.errors import ServiceError, StateConflict
from tests.bookings.test_concurrency import committed_marketplace, on_own_connection  # noqa: F401
from tests.support.factories.accounts import UserFactory
from tests.support.factories.catalog import ProviderProfileFactory, event


def _two_reservations():
    listing = event(capacity=10, provider=ProviderProfileFactory())
    tier = listing.ticket_tiers.get()
    return [
        booking_create(
            actor=UserFactory(),
            request=BookingRequest(listing_id=listing.pk, ticket_tier_id=tier.pk, quantity=1),
        )
        for _ in range(2)
    ]


def _pay(booking, reference):
    return booking_mark_paid(
        booking_id=booking.pk,
        amount_minor=booking.buyer_total_minor,
        currency=booking.currency,
        reference=reference,
    )


def _paid(booking) -> tuple[str, int]:
    booking.refresh_from_db()
    return booking.state, booking.paid_minor


def test_a_reference_counted_on_one_booking_is_refused_on_another(events):
    with tenant_context(events):
        first, second = _two_reservations()
        assert _pay(first, "pi_shared").state == "issued"
        # The same payment reported again for its own booking changes nothing.
        assert _pay(first, "pi_shared").paid_minor == first.buyer_total_minor
        with pytest.raises(StateConflict) as refused:
            _pay(second, "pi_shared")
        assert refused.value.code == "payment_reference_used"
        assert _paid(first) == ("issued", first.buyer_total_minor)
        assert _paid(second) == ("reserved", 0)
        assert [p.reference for p in first.payments.all()] == ["pi_shared"]
        assert not second.payments.exists()
        assert _pay(second, "pi_other").state == "issued"


def test_one_reference_paid_on_two_bookings_at_once_counts_once(committed_marketplace):  # noqa: F811
    events = committed_marketplace("events")
    bookings = on_own_connection(lambda: _in(events, _two_reservations))
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def pay(booking):
        try:
            with tenant_context(events):
                barrier.wait(timeout=30)
                try:
                    _pay(booking, "pi_raced")
                    outcomes[booking.pk] = "paid"
                except ServiceError as exc:
                    outcomes[booking.pk] = f"{exc.status} {exc.code}"
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=pay, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["409 payment_reference_used", "paid"]

    def paid_total():
        return sum(
            Booking.objects.filter(pk__in=[b.pk for b in bookings]).values_list(
                "paid_minor", flat=True
            )
        )

    assert on_own_connection(lambda: _in(events, paid_total)) == bookings[0].buyer_total_minor


def _in(marketplace, function):
    with tenant_context(marketplace):
        return function()
