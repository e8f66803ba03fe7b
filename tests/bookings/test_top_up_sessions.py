"""A live reading paid from a balance topped up through an Iraqi gateway: the top-up is paid
through the FastPay sandbox, the session charges each started minute from that balance, and
ends when the balance cannot pay the next one."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance
from billing.selectors.ledger import ledger_problems
from bookings.models import Booking
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import listing_of
from tests.support.wallet import iqd, iqd_marketplace, sandbox_pays

RATE = iqd(1_000)  # a minute
T0 = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def readers(make_marketplace, fib_sandbox, fastpay_sandbox):
    return iqd_marketplace(make_marketplace("psychic-readers"), fib_sandbox, fastpay_sandbox)


def test_a_reading_runs_on_a_fastpay_top_up_and_ends_when_it_is_spent(readers, fastpay_sandbox):
    reader, profile = provider_party(readers, per_minute_rates={"chat": RATE.amount_minor},
                                     is_online=True)  # fmt: skip
    with tenant_context(readers):
        listing = listing_of("live-reading", provider=profile, price_minor=RATE.amount_minor)
    customer = party(readers)
    top_up = customer.api.post(
        "/api/v1/wallet/top-ups/",
        {"amount_minor": iqd(3_500).amount_minor, "currency": "IQD", "provider": "fastpay",
         "return_url": "https://readers.localhost/wallet"},
        HTTP_IDEMPOTENCY_KEY="top-up-0001",
    )  # fmt: skip
    assert top_up.status_code == 201, top_up.content
    sandbox_pays(readers, fastpay_sandbox, top_up.json()["reference"])
    with tenant_context(readers):
        assert prepaid_balance(customer=customer.user, currency="IQD") == iqd(3_500)

    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"})
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    assert reader.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/").status_code == 200
    beat = f"/api/v1/bookings/{booking_id}/session/heartbeat/"
    with time_machine.travel(T0, tick=False) as clock:
        started = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/start/")
        assert started.status_code == 200, started.content
        clock.move_to(T0 + timedelta(minutes=2, seconds=20))
        warned = customer.api.post(beat, {}).json()
        assert (warned["state"], warned["billed_minutes"], warned["low_balance"]) == (
            "live", 3, True,
        )  # fmt: skip
        clock.move_to(T0 + timedelta(minutes=3, seconds=20))
        ended = reader.api.post(beat, {}).json()
    assert (ended["state"], ended["end_reason"], ended["billed_minutes"]) == ("ended", "balance", 3)
    with tenant_context(readers):
        assert prepaid_balance(customer=customer.user, currency="IQD") == iqd(500)
        booking = Booking.objects.get(pk=booking_id)
        assert booking.paid_minor == RATE.times(3).amount_minor
        assert ledger_problems() == []
