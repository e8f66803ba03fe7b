"""areeba (MPGS hosted checkout) through the real driver over HTTP against the areeba sandbox:
a checkout session and its page, a return proven by ``resultIndicator``, Retrieve Order as the
truth, notifications with the merchant's secret, partial refunds and VOID."""

import json
import urllib.parse

import pytest
import requests

from billing.models import LedgerAccount, LedgerTransaction, Payment
from billing.money import Money
from billing.providers.areeba import AreebaDriver
from billing.providers.base import PaymentState, Unsupported
from billing.providers.registry import driver_for
from billing.selectors.ledger import ledger_balance, ledger_problems
from billing.services.payments import Allocation, payment_create, payment_refresh
from billing.services.refunds import subject_refund
from config.errors import BusinessRuleViolation
from tests.support.client import api, assert_error
from tests.support.factories.accounts import UserFactory
from tests.support.iraqi import gateway_decide, gateway_payment
from tests.support.sandboxes import iqd

Kind = LedgerAccount.Kind


def _pay(key: str, **amounts) -> Payment:
    return gateway_payment("areeba", UserFactory(), UserFactory(role="provider"), key=key,
                           **amounts)  # fmt: skip


def _created(payment: Payment) -> dict:
    return payment.exchanges.filter(direction="response").first().body


def test_an_areeba_checkout_is_paid_on_retrieve_orders_word_and_its_return_is_proven(
    talent, areeba_books, areeba_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("ar-1")
    assert payment.provider_ref == payment.reference  # our reference is the order id
    url = payment.next_action["url"]
    assert url.startswith(f"{areeba_sandbox.url}/checkout/pay/SESSION")
    assert requests.get(url, timeout=10).status_code == 200  # the checkout page
    assert _created(payment)["successIndicator"]
    assert payment_refresh(payment=payment).state == PaymentState.PENDING  # no order yet

    said = areeba_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome", {"outcome": "paid", "notify": False}
    )
    back = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(said["returnUrl"]).query))
    assert AreebaDriver.return_verified(_created(payment), back)
    assert not AreebaDriver.return_verified(_created(payment), {"resultIndicator": "0" * 16})
    assert not AreebaDriver.return_verified({}, back)

    notification = json.dumps(said["notification"]).encode()
    secret = said["headers"]["X-Notification-Secret"]
    client = api(talent)
    for _ in range(2):  # a replay changes nothing
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post("/api/v1/payments/webhooks/areeba/", notification,
                                 content_type="application/json",
                                 headers={"X-Notification-Secret": secret})  # fmt: skip
        assert answer.status_code == 200, answer.content
    paid = Payment.objects.get(pk=payment.pk)
    assert paid.state == PaymentState.PAID
    assert LedgerTransaction.objects.filter(reference=f"payment:{paid.reference}").count() == 1
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="areeba") == (
        iqd(25_000)
    )
    assert ledger_problems() == []


@pytest.mark.parametrize("outcome, state", [("declined", "failed"), ("expired", "expired")])
def test_a_declined_or_expired_checkout_ends_without_money(
    talent, areeba_books, areeba_sandbox, django_capture_on_commit_callbacks, outcome, state
):
    payment = _pay(f"ar-{outcome}")
    delivery = gateway_decide("areeba", areeba_sandbox, payment.provider_ref, outcome)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.post(api(talent)).status_code == 200
    assert Payment.objects.get(pk=payment.pk).state == state
    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize("extra", [{"amount": "24999"}, {"currency": "USD"}])
def test_a_wrong_amount_or_currency_is_recorded_not_paid(
    talent, areeba_books, areeba_sandbox, django_capture_on_commit_callbacks, extra
):
    payment = _pay(f"ar-wrong-{next(iter(extra))}")
    delivery = gateway_decide("areeba", areeba_sandbox, payment.provider_ref, "paid", **extra)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.post(api(talent)).status_code == 200
    recorded = Payment.objects.get(pk=payment.pk)
    assert recorded.state == PaymentState.PENDING and recorded.failure_code == "amount_mismatch"
    assert not LedgerTransaction.objects.exists()


def test_refunds_may_be_partial_and_a_retried_refund_is_the_same_transaction(
    areeba_books, areeba_sandbox
):
    payment = _pay("ar-refund")
    gateway_decide("areeba", areeba_sandbox, payment.provider_ref, "paid")
    assert payment_refresh(payment=payment).state == PaymentState.PAID
    driver = driver_for("areeba")
    first = driver.refund(payment.provider_ref, iqd(5_000), "refund-ar-1")
    assert first.state == PaymentState.PARTIALLY_REFUNDED
    assert driver.refund(payment.provider_ref, iqd(5_000), "refund-ar-1").refund_ref == (
        first.refund_ref
    )
    order = areeba_sandbox.peek(payment.provider_ref)
    assert order["totalRefundedAmount"] == 5_000 and order["status"] == "PARTIALLY_REFUNDED"
    rest = driver.refund(payment.provider_ref, None, "refund-ar-2")  # what is left: 20,000
    assert rest.state == PaymentState.REFUNDED
    assert areeba_sandbox.peek(payment.provider_ref)["totalRefundedAmount"] == 25_000
    assert driver.get_status(payment.provider_ref).state == PaymentState.REFUNDED


def test_billing_refunds_part_of_an_areeba_payment_through_areeba(
    areeba_books, areeba_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("ar-billing-refund")
    gateway_decide("areeba", areeba_sandbox, payment.provider_ref, "paid")
    payment_refresh(payment=payment)
    with django_capture_on_commit_callbacks(execute=True):
        subject_refund(subject=payment.subject, amount=iqd(10_000), reference="ar-part")
    refunded = Payment.objects.get(pk=payment.pk)
    assert refunded.state == PaymentState.PARTIALLY_REFUNDED and refunded.failure_code == ""
    assert areeba_sandbox.peek(payment.provider_ref)["totalRefundedAmount"] == 10_000
    assert ledger_problems() == []


def test_cancel_voids_the_payment_and_an_unattempted_order_has_nothing_to_void(
    areeba_books, areeba_sandbox
):
    payment, unpaid = _pay("ar-void"), _pay("ar-void-none")
    gateway_decide("areeba", areeba_sandbox, payment.provider_ref, "paid")
    driver = driver_for("areeba")
    driver.cancel(payment.provider_ref)
    driver.cancel(payment.provider_ref)  # retried: the same VOID transaction
    order = areeba_sandbox.peek(payment.provider_ref)
    assert order["status"] == "CANCELLED"
    assert [t["type"] for t in order["transaction"]] == ["PAYMENT", "VOID_PAYMENT"]
    assert driver.get_status(payment.provider_ref).state == PaymentState.CANCELLED
    with pytest.raises(Unsupported):
        driver.cancel(unpaid.provider_ref)


def test_fils_that_are_not_whole_dinars_are_refused_before_any_call(areeba_books, areeba_sandbox):
    with pytest.raises(BusinessRuleViolation) as refused:
        payment_create(
            payer=UserFactory(), subject="ar:fils", purpose=Payment.Purpose.CHARGE,
            amount=Money(7_250, "IQD"), provider="areeba",
            allocations=[Allocation(Kind.PLATFORM_FEES, Money(7_250, "IQD"))],
            idempotency_key="ar-fils", return_url="https://talent-test.localhost/return",
        )  # fmt: skip
    assert refused.value.code == "amount_not_whole_dinars"
    payment = Payment.objects.get(idempotency_key="ar-fils")
    assert payment.state == "failed" and payment.provider_ref is None
    sessions = areeba_sandbox.sandbox.sessions.values()
    assert payment.reference not in [s["order_id"] for s in sessions]


def test_the_sandbox_notifies_the_merchant_url_with_its_secret(
    areeba_books, areeba_sandbox, receiver
):
    payment = _pay("ar-real-notification")
    areeba_sandbox.hook("/__sandbox/merchant", {"notificationUrl": f"{receiver.url}/hook/"})
    try:
        areeba_sandbox.hook(f"/__sandbox/payments/{payment.provider_ref}/outcome",
                            {"outcome": "paid"})  # fmt: skip
        ((path, headers, body),) = receiver.wait()
    finally:
        areeba_sandbox.hook("/__sandbox/merchant", {"notificationUrl": ""})
    assert path == "/hook/" and headers["X-Notification-Secret"] == "sandbox-notification-secret"
    notification = json.loads(body)
    assert notification["order"]["id"] == payment.reference
    assert notification["order"]["status"] == "CAPTURED"


def test_a_return_is_checked_at_once_and_a_wrong_result_indicator_changes_nothing(
    talent, areeba_books, areeba_sandbox
):
    payer = UserFactory()
    payment = gateway_payment("areeba", payer, UserFactory(role="provider"), key="ar-return")
    said = areeba_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome", {"outcome": "paid", "notify": False}
    )
    back = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(said["returnUrl"]).query))
    client, path = api(talent, payer), f"/api/v1/payments/{payment.reference}/return/"
    assert_error(client.post(path, {"query": {"resultIndicator": "f" * 16}}), 422,
                 "return_not_verified")  # fmt: skip
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
    assert_error(api(talent, UserFactory()).post(path, {"query": back}), 404)  # not theirs
    answer = client.post(path, {"query": back})
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "paid" and answer.json()["manual_refund_required"] is False
    assert client.post(path, {"query": back}).json()["state"] == "paid"  # harmless again
