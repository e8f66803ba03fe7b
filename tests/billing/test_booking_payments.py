"""Talent Iraq: a quoted booking paid end to end through each of the four Iraqi gateways (FIB,
FastPay, NassWallet, areeba) — the customer opens the payment over the API, pays at the
(sandbox) gateway, the gateway notifies, the booking is paid and the ledger holds the provider's
share pending and the platform's fee; then a cancellation refunds it through the gateway, or a
completion releases the provider's share after the marketplace's delay."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, Payment
from billing.money import Money
from billing.selectors.ledger import ledger_balance, ledger_problems
from bookings.services.payments import bookings_release_due
from tests.support.client import api
from tests.support.factories.bookings import party, staff_party
from tests.support.iraqi import gateway_decide
from tests.support.quotes import QUOTE, accepted_quote, quote_pay
from tests.support.sandboxes import provider_account_configure

PROVIDER_SHARE, FEE = 45_000_000, 5_000_000  # talent-iq's commission is 10%
Kind = LedgerAccount.Kind


def _iqd(amount_minor: int) -> Money:
    return Money(amount_minor, "IQD")


def _balances(talent, provider, gateway: str) -> dict[str, Money]:
    with tenant_context(talent):
        owner = provider.user
        return {
            "pending": ledger_balance(kind=Kind.PROVIDER_PENDING, currency="IQD", owner=owner),
            "available": ledger_balance(kind=Kind.PROVIDER_AVAILABLE, currency="IQD", owner=owner),
            "fees": ledger_balance(kind=Kind.PLATFORM_FEES, currency="IQD"),
            "clearing": ledger_balance(
                kind=Kind.GATEWAY_CLEARING, currency="IQD", provider=gateway
            ),
        }


def _refunded_at_the_gateway(gateway: str, sandbox, provider_ref: str) -> bool:
    """What the gateway itself says of the refund (NassWallet has no refund API at all)."""
    if gateway == "fib":
        return sandbox.peek(provider_ref)["status"] in ("REFUND_REQUESTED", "REFUNDED")
    if gateway == "fastpay":
        return sandbox.sandbox.orders[provider_ref]["refunded"] == QUOTE // 1000
    if gateway == "areeba":
        return sandbox.peek(provider_ref)["totalRefundedAmount"] == QUOTE // 1000
    return False  # NassWallet: nothing to ask


@pytest.mark.parametrize("ending", ["cancelled", "completed"])
@pytest.mark.parametrize("gateway", ["fib", "fastpay", "nasswallet", "areeba"])
def test_a_quote_paid_through_each_iraqi_gateway_is_paid_balanced_then_refunded_or_released(
    talent, iraqi_sandboxes, django_capture_on_commit_callbacks, gateway, ending
):
    sandbox = iraqi_sandboxes[gateway]
    with tenant_context(talent):
        provider_account_configure(gateway, sandbox)
    provider, customer, booking_id = accepted_quote(talent)
    assert quote_pay(provider, booking_id, provider=gateway).status_code == 403  # only the customer
    opened = quote_pay(customer, booking_id, provider=gateway)
    assert opened.status_code == 201, opened.content
    payment = opened.json()
    assert payment["amount_minor"] == QUOTE and payment["currency"] == "IQD"
    assert payment["state"] == "pending" and payment["purpose"] == "charge"
    action = payment["next_action"]
    assert (action["type"], bool(action["readable_code"] or action["url"])) == (
        "qr" if gateway == "fib" else "redirect",
        True,
    )
    same = quote_pay(customer, booking_id, provider=gateway).json()
    assert same["reference"] == payment["reference"]  # same key

    with tenant_context(talent):
        provider_ref = Payment.objects.get(reference=payment["reference"]).provider_ref
    # The customer pays at the gateway, which notifies the marketplace's webhook.
    delivery = gateway_decide(gateway, sandbox, provider_ref, "paid")
    with django_capture_on_commit_callbacks(execute=True):
        answer = delivery.post(api(talent))
    assert answer.status_code in (200, 202), answer.content

    booking = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert booking["state"] == "paid" and booking["money"]["paid_minor"] == QUOTE
    seen = customer.api.get(f"/api/v1/payments/{payment['reference']}/").json()
    assert seen["state"] == "paid" and seen["paid_at"]
    assert party(talent).api.get(f"/api/v1/payments/{payment['reference']}/").status_code == 404
    assert _balances(talent, provider, gateway) == {
        "pending": _iqd(PROVIDER_SHARE), "available": _iqd(0), "fees": _iqd(FEE),
        "clearing": _iqd(QUOTE),
    }  # fmt: skip
    again = quote_pay(customer, booking_id, key="attempt-0002", provider=gateway)
    assert again.json()["error"] == "not_awaiting_payment"

    if ending == "cancelled":
        staff = staff_party(talent)
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = staff.api.post(f"/api/v1/bookings/{booking_id}/transitions/cancel/")
        assert cancelled.status_code == 200, cancelled.content
        assert set(_balances(talent, provider, gateway).values()) == {_iqd(0)}
        with tenant_context(talent):
            refunded = Payment.objects.get(reference=payment["reference"])
        assert refunded.state == "refunded" and refunded.refunded_minor == QUOTE
        # NassWallet has no refund API: staff refund by hand, and the payment says so.
        manual = "manual_refund_required" if gateway == "nasswallet" else ""
        assert refunded.failure_code == manual
        assert _refunded_at_the_gateway(gateway, sandbox, provider_ref) == (not manual)
        shown = staff.api.get(f"/api/v1/payments/{payment['reference']}/").json()
        assert (shown["state"], shown["refunded_minor"]) == ("refunded", QUOTE)
        assert shown["manual_refund_required"] is bool(manual)
    else:
        assert provider.api.post(
            f"/api/v1/bookings/{booking_id}/deliveries/", {"message": "تم"}
        ).status_code == 201  # fmt: skip
        talent.release_delay_hours = 48
        talent.save(update_fields=["release_delay_hours"])
        completed = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
        assert completed.status_code == 200, completed.content
        with tenant_context(talent):
            assert bookings_release_due() == 0  # the dispute window is open
            with time_machine.travel(timezone.now() + timedelta(hours=49)):
                assert bookings_release_due() == 1
        assert _balances(talent, provider, gateway) == {
            "pending": _iqd(0), "available": _iqd(PROVIDER_SHARE), "fees": _iqd(FEE),
            "clearing": _iqd(QUOTE),
        }  # fmt: skip
    with tenant_context(talent):
        assert ledger_problems() == []
    call_command("ledger_check", schema=[talent.schema_name], verbosity=0)


def test_a_payment_needs_an_idempotency_key_and_a_provider_the_marketplace_uses(talent, fib_books):
    _provider, customer, booking_id = accepted_quote(talent)
    assert (
        quote_pay(customer, booking_id, key="short").json()["error"] == "idempotency_key_required"
    )
    with tenant_context(talent):
        from billing.models import ProviderAccount

        account = ProviderAccount.objects.get(code="fib")
        account.enabled = False
        account.save()
    refused = quote_pay(customer, booking_id)
    assert refused.status_code == 422 and refused.json()["error"] == "provider_not_enabled"
