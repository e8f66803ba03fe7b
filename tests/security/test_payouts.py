"""Payouts, wallets, refunds and the revenue report across the boundary between marketplaces:
another marketplace's payout references, user ids and bookings find nothing, its staff can
neither confirm nor refund here, and each report shows its own marketplace's money only."""

from django_tenants.utils import tenant_context

from billing.models import Payout
from billing.money import Money
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.payouts import books_balanced, earnings_available


def _payout_requested(staff, provider, *, key: str) -> str:
    """Staff pay ``provider`` 45,000 IQD of their available earnings; the payout's reference."""
    return staff.api.post(
        "/api/v1/payouts/",
        {"payee_id": provider.user.pk, "amount_minor": 45_000_000, "currency": "IQD"},
        HTTP_IDEMPOTENCY_KEY=key,
    ).json()["reference"]


def test_another_marketplaces_payouts_wallets_and_report_are_out_of_reach(talent, fire):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, Money(45_000_000, "IQD"))
    staff = staff_party(talent)
    reference = _payout_requested(staff, provider, key="cross-payout-1")

    fire_staff, fire_customer = staff_party(fire), party(fire)
    for who in (fire_staff, fire_customer):
        assert_error(who.api.get(f"/api/v1/payouts/{reference}/"), 404)
        assert_error(who.api.post(f"/api/v1/payouts/{reference}/cancel/"), 404)
    assert_error(
        fire_staff.api.post(f"/api/v1/payouts/{reference}/confirm/", {"bank_reference": "X"}),
        404,
    )
    # Talent's user ids mean nothing on fire (another schema's users), for staff too.
    for path in ("wallet/balances", "wallet/ledger", "payouts"):
        answer = fire_staff.api.get(f"/api/v1/{path}/?user_id={provider.user.pk}")
        assert (
            answer.status_code == 404
            or answer.json().get("balances") == []
            or (answer.json().get("results") == [])
        ), answer.content
    assert fire_staff.api.get("/api/v1/payouts/").json()["results"] == []
    assert_error(
        fire_staff.api.post(
            "/api/v1/payouts/",
            {"payee_id": provider.user.pk, "amount_minor": 1000, "currency": "IQD"},
            HTTP_IDEMPOTENCY_KEY="cross-payout-2",
        ),
        404,
    )
    report = fire_staff.api.get("/api/v1/reports/revenue/").json()
    assert report["periods"] == [] and report["providers"] == [] and report["totals"] == []
    with tenant_context(talent):
        assert Payout.objects.get(reference=reference).state == "requested"
    assert books_balanced(talent) and books_balanced(fire)


def test_only_staff_confirm_payouts_refund_or_read_the_report_and_only_their_own_wallet(talent):
    provider, _profile = provider_party(talent)
    other, _other_profile = provider_party(talent)
    customer = party(talent)
    earnings_available(talent, provider.user, Money(45_000_000, "IQD"))
    reference = _payout_requested(staff_party(talent), provider, key="own-payout-1")
    for who in (provider, other, customer):
        assert_error(
            who.api.post(f"/api/v1/payouts/{reference}/confirm/", {"bank_reference": "X"}), 403
        )
        assert_error(who.api.get("/api/v1/reports/revenue/"), 403)
        assert_error(
            who.api.post("/api/v1/bookings/1/refunds/", {}, HTTP_IDEMPOTENCY_KEY="refund-123"),
            403,
        )
    for who in (other, customer):
        assert_error(who.api.get(f"/api/v1/payouts/{reference}/"), 404, "payout_not_found")
        assert_error(who.api.post(f"/api/v1/payouts/{reference}/cancel/"), 404)
        assert_error(who.api.get(f"/api/v1/wallet/ledger/?user_id={provider.user.pk}"), 404)
        assert who.api.get("/api/v1/payouts/").json()["results"] == []
    assert customer.api.get("/api/v1/wallet/balances/").json()["balances"] == []
    assert_error(party(talent).api.patch("/api/v1/withdrawals/settings/", {}), 403)


def test_reconciliation_asks_about_this_marketplaces_payouts_only(
    talent, fire, fib_books, fib_sandbox
):
    """The periodic reconciliation runs in each marketplace's schema: fire's run neither sees
    nor settles talent's unfinished FIB payout; talent's own run does."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from billing.services.payouts import payout_send, payouts_reconcile
    from tests.support.payouts import iban

    provider, _profile = provider_party(talent)
    target = iban("TRIQ", "000000000000311")
    provider.api.put("/api/v1/payouts/account/", {"method": "fib", "destination": target})
    fib_sandbox.hook(f"/__sandbox/ibans/{target}/hold", {})
    earnings_available(talent, provider.user, Money(45_000_000, "IQD"))
    reference = _payout_requested(staff_party(talent), provider, key="cross-reconcile-1")
    with tenant_context(talent):
        payout = Payout.objects.get(reference=reference)
        assert payout_send(payout_id=payout.pk).state == "sent"
    fib_sandbox.hook(f"/__sandbox/ibans/{target}/release", {})
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        with tenant_context(fire):
            assert payouts_reconcile() == 0
        with tenant_context(talent):
            assert Payout.objects.get(pk=payout.pk).state == "sent"
            assert payouts_reconcile() == 1
            assert Payout.objects.get(pk=payout.pk).state == "paid"
    assert books_balanced(talent) and books_balanced(fire)
