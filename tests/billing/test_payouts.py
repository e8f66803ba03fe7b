"""Payouts: staff pay a provider's available earnings by hand and confirm them with the bank's
reference; the money moves available → in flight → paid out (and out of the platform's
clearing), once per step; a cancelled payout gives the money back; payouts through a provider
that cannot pay out yet fall back to manual."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, LedgerTransaction, Payout
from billing.money import Money
from billing.selectors.ledger import ledger_balance
from billing.services.payouts import payout_send, payouts_reconcile
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.payouts import books_balanced, earnings_available
from tests.support.payouts import iban as iraqi_iban

Kind = LedgerAccount.Kind
EARNED = 45_000_000  # 45,000 IQD


def _iqd(amount_minor):
    return Money(amount_minor, "IQD")


def _balances(marketplace, who):
    return {
        row["currency"]: row for row in who.api.get("/api/v1/wallet/balances/").json()["balances"]
    }["IQD"]


def _payout(staff, provider, amount, key="payout-key-1"):
    return staff.api.post(
        "/api/v1/payouts/",
        {"payee_id": provider.user.pk, "amount_minor": amount, "currency": "IQD"},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_manual_payout_moves_available_to_in_flight_then_paid_out(
    talent, django_capture_on_commit_callbacks
):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, _iqd(EARNED))
    staff = staff_party(talent)
    assert _balances(talent, provider)["available_minor"] == EARNED

    with django_capture_on_commit_callbacks(execute=True):
        made = _payout(staff, provider, 30_000_000)
    assert made.status_code == 201, made.content
    payout = made.json()
    assert (payout["method"], payout["state"], payout["origin"]) == ("manual", "requested", "staff")
    assert _payout(staff, provider, 30_000_000).json()["reference"] == payout["reference"]
    assert_error(_payout(staff, provider, 1_000_000), 409, "idempotency_key_reused")
    figures = _balances(talent, provider)
    assert (figures["available_minor"], figures["in_flight_minor"], figures["paid_out_minor"]) == (
        15_000_000, 30_000_000, 0,
    )  # fmt: skip
    assert books_balanced(talent)

    confirm = f"/api/v1/payouts/{payout['reference']}/confirm/"
    assert_error(provider.api.post(confirm, {"bank_reference": "TRX-1"}), 403)
    assert_error(staff.api.post(confirm, {}), 400, "invalid")
    confirmed = staff.api.post(confirm, {"bank_reference": "TRX-1"})
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["state"], confirmed.json()["bank_reference"]) == ("paid", "TRX-1")
    assert staff.api.post(confirm, {"bank_reference": "TRX-1"}).status_code == 200  # a retry
    assert_error(staff.api.post(confirm, {"bank_reference": "TRX-2"}), 409, "wrong_state")
    figures = _balances(talent, provider)
    assert (figures["available_minor"], figures["in_flight_minor"], figures["paid_out_minor"]) == (
        15_000_000, 0, 30_000_000,
    )  # fmt: skip
    with tenant_context(talent):
        assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="manual") == (
            _iqd(EARNED - 30_000_000)
        )
        assert ledger_balance(kind=Kind.PAYOUTS_IN_FLIGHT, currency="IQD", provider="manual") == (
            _iqd(0)
        )
        assert ledger_balance(kind=Kind.PAYOUTS_SENT, currency="IQD", provider="manual") == (
            _iqd(30_000_000)
        )
        assert (
            LedgerTransaction.objects.filter(
                reference__startswith=f"payout:{payout['reference']}"
            ).count()
            == 2
        )
    assert books_balanced(talent)
    seen = provider.api.get(f"/api/v1/payouts/{payout['reference']}/")
    assert seen.status_code == 200 and seen.json()["state"] == "paid"
    listed = provider.api.get("/api/v1/payouts/").json()
    assert [p["reference"] for p in listed["results"]] == [payout["reference"]]


def test_a_payout_is_no_more_than_available_and_a_cancelled_one_gives_it_back(talent):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, _iqd(EARNED))
    staff = staff_party(talent)
    body = assert_error(_payout(staff, provider, EARNED + 1), 422, "exceeds_available")
    assert body["details"] == {"available_minor": EARNED}
    assert_error(_payout(provider, provider, 1000), 403)
    assert_error(
        staff.api.post("/api/v1/payouts/", {"payee_id": provider.user.pk, "amount_minor": 5,
                                            "currency": "IQD"}),
        400, "idempotency_key_required",
    )  # fmt: skip
    reference = _payout(staff, provider, EARNED).json()["reference"]
    assert _balances(talent, provider)["available_minor"] == 0
    assert_error(_payout(staff, provider, 1000, key="payout-key-2"), 422, "exceeds_available")

    cancelled = staff.api.post(f"/api/v1/payouts/{reference}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert staff.api.post(f"/api/v1/payouts/{reference}/cancel/").status_code == 200
    figures = _balances(talent, provider)
    assert (figures["available_minor"], figures["in_flight_minor"]) == (EARNED, 0)
    assert_error(
        staff.api.post(f"/api/v1/payouts/{reference}/confirm/", {"bank_reference": "x"}),
        409, "wrong_state",
    )  # fmt: skip
    with tenant_context(talent):
        reversal = LedgerTransaction.objects.get(reference=f"payout:{reference}:reversed")
        assert reversal.corrects.reference == f"payout:{reference}"
    assert books_balanced(talent)


def test_a_fib_iban_on_file_is_paid_through_fibs_payouts_once(talent, fib_books):
    """FIB pays out to an IBAN: the payout is claimed before FIB is called, so a second run
    sends nothing, and it lands in the provider's paid-out total."""
    provider, _profile = provider_party(talent)
    iban = "IQ98NBIQ850123456789012"
    saved = provider.api.put("/api/v1/payouts/account/", {"method": "fib", "destination": iban})
    assert saved.status_code == 200, saved.content
    assert provider.api.get("/api/v1/payouts/account/").json()[0]["destination"] == iban
    assert_error(party(talent).api.get("/api/v1/payouts/account/"), 403)
    earnings_available(talent, provider.user, _iqd(EARNED))
    reference = _payout(staff_party(talent), provider, EARNED).json()["reference"]
    with tenant_context(talent):
        payout = Payout.objects.get(reference=reference)
        assert payout.method == "fib"
        sent = payout_send(payout_id=payout.pk)
        assert (sent.state, sent.provider_ref != "") == ("paid", True)
        assert payout_send(payout_id=payout.pk).state == "paid"  # a second run sends nothing
    figures = _balances(talent, provider)
    assert (figures["available_minor"], figures["in_flight_minor"], figures["paid_out_minor"]) == (
        0, 0, EARNED,
    )  # fmt: skip
    assert books_balanced(talent)


def test_a_bounced_manual_payout_is_failed_by_staff_and_the_money_is_available_again(talent):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, _iqd(EARNED))
    staff = staff_party(talent)
    reference = _payout(staff, provider, EARNED).json()["reference"]
    fail = f"/api/v1/payouts/{reference}/fail/"
    assert_error(provider.api.post(fail, {"reason": "bounced"}), 403)
    # Staff's payout, not the provider's own withdrawal: only staff cancel it.
    assert_error(provider.api.post(f"/api/v1/payouts/{reference}/cancel/"), 403)
    failed = staff.api.post(fail, {"reason": "bounced"})
    assert failed.status_code == 200, failed.content
    assert (failed.json()["state"], failed.json()["failure_code"]) == ("failed", "bounced")
    assert staff.api.post(fail, {"reason": "bounced"}).status_code == 200  # a retry
    figures = _balances(talent, provider)
    assert (figures["available_minor"], figures["in_flight_minor"], figures["paid_out_minor"]) == (
        EARNED, 0, 0,
    )  # fmt: skip
    assert books_balanced(talent)


@pytest.mark.parametrize("bank", ["completes", "fails"])
def test_a_payout_the_bank_takes_its_time_with_is_settled_by_reconciliation(
    talent, fib_books, fib_sandbox, bank
):
    """FIB authorises the payout but its bank has not sent it yet: the payout stays sent (in
    flight) until the periodic reconciliation asks FIB again and finds it completed (paid out)
    or failed (available again)."""
    provider, _profile = provider_party(talent)
    iban = iraqi_iban("RAFB", "00000000000042" + str(len(bank)))  # the sandbox is shared
    provider.api.put("/api/v1/payouts/account/", {"method": "fib", "destination": iban})
    fib_sandbox.hook(f"/__sandbox/ibans/{iban}/hold", {})
    if bank == "fails":
        fib_sandbox.hook(f"/__sandbox/ibans/{iban}/fail", {})
    earnings_available(talent, provider.user, _iqd(EARNED))
    reference = _payout(staff_party(talent), provider, EARNED).json()["reference"]
    with tenant_context(talent):
        payout = Payout.objects.get(reference=reference)
        assert payout_send(payout_id=payout.pk).state == "sent"
        assert payouts_reconcile() == 0  # just sent: not asked yet
        later = timezone.now() + timedelta(minutes=11)
        with time_machine.travel(later, tick=False):
            assert payouts_reconcile() == 1
            assert Payout.objects.get(pk=payout.pk).state == "sent"  # the bank still holds it
            fib_sandbox.hook(f"/__sandbox/ibans/{iban}/release", {})
            assert payouts_reconcile() == 1
            assert payouts_reconcile() == 0  # settled: nothing left to ask
        payout.refresh_from_db()
    figures = _balances(talent, provider)
    expected = (0, 0, EARNED) if bank == "completes" else (EARNED, 0, 0)
    assert payout.state == ("paid" if bank == "completes" else "failed")
    assert (figures["available_minor"], figures["in_flight_minor"], figures["paid_out_minor"]) == (
        expected
    )
    assert books_balanced(talent)
