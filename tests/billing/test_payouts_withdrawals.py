"""Withdrawals: a provider asks for their available earnings within the marketplace's minimum;
the money is set aside at once and paid on the next run of the marketplace's schedule; one
open withdrawal at a time; staff set the minimum and the schedule."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django_tenants.utils import tenant_context

from billing.models import Payout
from billing.money import Money
from billing.services.withdrawals import payouts_send_due, withdrawal_next_run
from tenants.models import Marketplace, MarketplaceEvent
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.payouts import books_balanced, earnings_available

EARNED = 45_000_000


def _withdraw(who, amount, key="withdraw-key-1", **extra):
    return who.api.post(
        "/api/v1/withdrawals/", {"amount_minor": amount, **extra}, HTTP_IDEMPOTENCY_KEY=key
    )


def _settings(staff, **changes):
    return staff.api.patch("/api/v1/withdrawals/settings/", changes)


def test_withdrawals_respect_the_minimum_what_is_available_and_one_at_a_time(talent):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, Money(EARNED, "IQD"))
    staff = staff_party(talent)
    assert_error(_settings(provider, withdrawal_minimum_minor=5), 403)
    assert_error(_settings(staff, withdrawal_schedule="daily"), 400, "invalid")
    changed = _settings(staff, withdrawal_minimum_minor=10_000_000)
    assert changed.status_code == 200 and changed.json()["withdrawal_minimum_minor"] == 10_000_000
    assert provider.api.get("/api/v1/withdrawals/settings/").json()["withdrawal_schedule"] == (
        "anytime"
    )
    assert MarketplaceEvent.objects.filter(
        marketplace=talent, action="settings", data__after__withdrawal_minimum_minor=10_000_000
    ).exists()

    below = assert_error(_withdraw(provider, 9_999_000), 422, "below_minimum")
    assert below["details"] == {"minimum_minor": 10_000_000, "currency": "IQD"}
    over = assert_error(_withdraw(provider, EARNED + 1000), 422, "exceeds_available")
    assert over["details"] == {"available_minor": EARNED}
    assert_error(_withdraw(party(talent), 10_000_000), 403)

    made = _withdraw(provider, 20_000_000)
    assert made.status_code == 201, made.content
    withdrawal = made.json()
    assert (withdrawal["origin"], withdrawal["state"]) == ("withdrawal", "requested")
    assert _withdraw(provider, 20_000_000).json()["reference"] == withdrawal["reference"]
    assert_error(_withdraw(provider, 10_000_000, key="withdraw-key-2"), 409, "withdrawal_open")
    cancelled = provider.api.post(f"/api/v1/payouts/{withdrawal['reference']}/cancel/")
    assert cancelled.json()["state"] == "cancelled"
    again = _withdraw(provider, 10_000_000, key="withdraw-key-2")
    assert again.status_code == 201, again.content
    assert books_balanced(talent)


def test_a_weekly_schedule_pays_on_the_next_weekday_and_the_run_leaves_manual_ones_to_staff(
    talent,
):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, Money(EARNED, "IQD"))
    staff = staff_party(talent)
    assert _settings(staff, withdrawal_schedule="weekly", withdrawal_weekday=4).status_code == 200
    baghdad = ZoneInfo("Asia/Baghdad")
    wednesday = datetime(2026, 12, 2, 10, 0, tzinfo=baghdad)
    with time_machine.travel(wednesday, tick=False):
        made = _withdraw(provider, 20_000_000).json()
    assert made["scheduled_for"] == "2026-12-03T21:00:00Z"  # Friday 00:00 in Baghdad
    with tenant_context(talent):
        marketplace = Marketplace.objects.get(pk=talent.pk)
        friday = datetime(2026, 12, 4, 9, 0, tzinfo=baghdad)
        assert withdrawal_next_run(marketplace, friday) == datetime(2026, 12, 11, tzinfo=baghdad)
        marketplace.withdrawal_schedule, marketplace.withdrawal_month_day = "monthly", 15
        assert withdrawal_next_run(marketplace, friday) == datetime(2026, 12, 15, tzinfo=baghdad)
        late = datetime(2026, 12, 20, tzinfo=baghdad)
        assert withdrawal_next_run(marketplace, late) == datetime(2027, 1, 15, tzinfo=baghdad)
        # Paid by hand here (no payout-capable provider): the run sends nothing, staff confirm.
        assert payouts_send_due(now=friday) == 0
        assert Payout.objects.get(reference=made["reference"]).state == "requested"
    confirmed = staff.api.post(
        f"/api/v1/payouts/{made['reference']}/confirm/", {"bank_reference": "FRIDAY-RUN-1"}
    )
    assert confirmed.json()["state"] == "paid"
    assert books_balanced(talent)
