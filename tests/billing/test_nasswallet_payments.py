"""NassWallet through the real driver over HTTP against the NassWallet sandbox: a login for a
Bearer token (cached, renewed when refused), a redirect to the checkout portal, the unsigned
``{"data": …}`` callback at ``…/nasswallet/callback`` answered ``SUCCESS`` and confirmed with
checkTransaction, and no refund API (a refund becomes a manual one for staff)."""

import json

import pytest
import requests
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, LedgerTransaction, Payment, PaymentExchange
from billing.money import Money
from billing.providers.base import PaymentState
from billing.providers.registry import driver_for
from billing.selectors.ledger import ledger_balance, ledger_problems
from billing.services.payments import Allocation, payment_create, payment_refresh
from billing.services.refunds import subject_refund
from config.errors import BusinessRuleViolation
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.iraqi import Delivery, gateway_decide, gateway_payment
from tests.support.sandboxes import iqd

Kind = LedgerAccount.Kind


def _pay(key: str, **amounts) -> Payment:
    return gateway_payment("nasswallet", UserFactory(), UserFactory(role="provider"), key=key,
                           **amounts)  # fmt: skip


def test_a_nasswallet_payment_goes_through_the_portal_and_is_paid_on_nasswallets_word(
    talent, nasswallet_books, nasswallet_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("nw-1")
    action = payment.next_action
    assert action["type"] == "redirect"
    assert action["url"].startswith(f"{nasswallet_sandbox.url}/payment-gateway?id=")
    assert "userIdentifier=souk-sandbox-merchant" in action["url"] and "token=" in action["url"]
    assert requests.get(action["url"], timeout=10).status_code == 200  # the portal page
    seen = nasswallet_sandbox.peek(payment.provider_ref)
    assert seen["orderId"] == payment.reference and seen["amount"] == "25000"
    assert payment_refresh(payment=payment).state == PaymentState.PENDING

    delivery = gateway_decide("nasswallet", nasswallet_sandbox, payment.provider_ref, "paid")
    assert json.loads(delivery.body) == {"data": {
        "orderId": payment.reference, "amount": "25000",
        "InitTransactionId": payment.provider_ref, "transactionStatus": 0,
    }}  # fmt: skip
    client = api(talent)
    for _ in range(3):  # a replay changes nothing
        with django_capture_on_commit_callbacks(execute=True):
            answer = delivery.post(client)
        assert answer.status_code == 200 and answer.content == b"SUCCESS"
    paid = Payment.objects.get(pk=payment.pk)
    assert paid.state == PaymentState.PAID
    assert LedgerTransaction.objects.filter(reference=f"payment:{paid.reference}").count() == 1
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="nasswallet") == (
        iqd(25_000)
    )
    assert ledger_balance(kind=Kind.PLATFORM_FEES, currency="IQD") == iqd(2_000)
    assert PaymentExchange.objects.filter(payment=paid, direction="notification").count() == 3
    assert ledger_problems() == []


@pytest.mark.parametrize("outcome, state", [("declined", "failed"), ("expired", "expired")])
def test_a_declined_or_expired_nasswallet_payment_ends_without_money(
    talent, nasswallet_books, nasswallet_sandbox, django_capture_on_commit_callbacks,
    outcome, state,
):  # fmt: skip
    payment = _pay(f"nw-{outcome}")
    delivery = gateway_decide("nasswallet", nasswallet_sandbox, payment.provider_ref, outcome)
    assert json.loads(delivery.body)["data"]["transactionStatus"] != 0
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.post(api(talent)).status_code == 200
    assert Payment.objects.get(pk=payment.pk).state == state
    assert not LedgerTransaction.objects.exists()


def test_a_forged_success_or_a_wrong_amount_moves_nothing(
    talent, nasswallet_books, nasswallet_sandbox, django_capture_on_commit_callbacks
):
    unpaid, short = _pay("nw-forged"), _pay("nw-short")
    forged = {"data": {"orderId": unpaid.reference, "amount": "25000",
                       "InitTransactionId": unpaid.provider_ref,
                       "transactionStatus": 0}}  # fmt: skip
    delivery = Delivery("/api/v1/payments/webhooks/nasswallet/", json.dumps(forged).encode())
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.post(api(talent)).status_code == 200  # acknowledged, then re-queried
    assert Payment.objects.get(pk=unpaid.pk).state == PaymentState.PENDING

    paid_short = gateway_decide(
        "nasswallet", nasswallet_sandbox, short.provider_ref, "paid", amount="24999"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert paid_short.post(api(talent)).status_code == 200
    recorded = Payment.objects.get(pk=short.pk)
    assert recorded.state == PaymentState.PENDING and recorded.failure_code == "amount_mismatch"
    assert not LedgerTransaction.objects.exists()


def test_the_sandbox_calls_back_at_the_merchant_url_with_callback_appended(
    talent, nasswallet_books, nasswallet_sandbox, receiver, django_capture_on_commit_callbacks
):
    payment = _pay("nw-real-callback")
    nasswallet_sandbox.hook(
        "/__sandbox/merchant",
        {"callbackUrl": f"{receiver.url}/api/v1/payments/webhooks/nasswallet"},
    )
    try:
        nasswallet_sandbox.hook(f"/__sandbox/payments/{payment.provider_ref}/outcome",
                                {"outcome": "paid"})  # fmt: skip
        ((path, headers, body),) = receiver.wait()
    finally:
        nasswallet_sandbox.hook("/__sandbox/merchant", {"callbackUrl": ""})
    assert path == "/api/v1/payments/webhooks/nasswallet/callback"
    assert "X-Notification-Secret" not in headers  # unsigned
    with django_capture_on_commit_callbacks(execute=True):
        answer = Delivery(path, body).post(api(talent))
    assert answer.status_code == 200 and answer.content == b"SUCCESS"
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.PAID


def test_the_login_is_cached_and_renewed_when_nasswallet_refuses_the_token(
    nasswallet_books, nasswallet_sandbox
):
    payment = _pay("nw-login")
    driver = driver_for("nasswallet")

    def logins() -> int:
        return requests.get(f"{nasswallet_sandbox.url}/__sandbox/stats", timeout=10).json()[
            "logins"
        ]

    before = logins()
    driver.get_status(payment.provider_ref)
    driver.get_status(payment.provider_ref)
    assert logins() == before  # the token is kept
    nasswallet_sandbox.hook("/__sandbox/tokens/expire", {})
    assert driver.get_status(payment.provider_ref).state == PaymentState.PENDING
    assert logins() == before + 1  # refused once, logged in again, answered


def test_fils_that_are_not_whole_dinars_are_refused_before_any_call(
    nasswallet_books, nasswallet_sandbox
):
    with pytest.raises(BusinessRuleViolation) as refused:
        payment_create(
            payer=UserFactory(), subject="nw:fils", purpose=Payment.Purpose.CHARGE,
            amount=Money(2_500, "IQD"), provider="nasswallet",
            allocations=[Allocation(Kind.PLATFORM_FEES, Money(2_500, "IQD"))],
            idempotency_key="nw-fils", return_url="https://talent-test.localhost/return",
        )  # fmt: skip
    assert refused.value.code == "amount_not_whole_dinars"
    payment = Payment.objects.get(idempotency_key="nw-fils")
    assert payment.state == "failed" and payment.provider_ref is None
    orders = [t["orderId"] for t in nasswallet_sandbox.sandbox.transactions.values()]
    assert payment.reference not in orders


def test_a_refund_becomes_a_manual_refund_for_staff(
    talent, nasswallet_books, nasswallet_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("nw-refund")
    gateway_decide("nasswallet", nasswallet_sandbox, payment.provider_ref, "paid")
    assert payment_refresh(payment=payment).state == PaymentState.PAID
    with django_capture_on_commit_callbacks(execute=True):
        subject_refund(subject=payment.subject, amount=iqd(25_000), reference="nw-refund-1")
    refunded = Payment.objects.get(pk=payment.pk)
    assert refunded.state == PaymentState.REFUNDED and refunded.refunded_minor == 25_000_000
    assert refunded.failure_code == "manual_refund_required"
    why = refunded.exchanges.filter(direction="error").last()
    assert why is not None and "no refund API" in why.note
    with tenant_context(talent):
        assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD",
                              provider="nasswallet") == iqd(0)  # fmt: skip
        assert ledger_problems() == []
