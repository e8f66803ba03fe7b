"""NassWallet's and areeba's notifications: a wrong areeba secret is refused and stored raw,
a claim nobody can prove (NassWallet's are unsigned; areeba's, however signed, are checked
with Retrieve Order) moves nothing, and a notification or a customer's return naming another
marketplace's payment finds nothing there."""

import json

import pytest
from django_tenants.utils import tenant_context

from billing.models import LedgerTransaction, Payment, PaymentExchange
from billing.providers.base import PaymentState
from tests.support.client import api, assert_error
from tests.support.factories.accounts import UserFactory
from tests.support.iraqi import Delivery, gateway_decide, gateway_payment
from tests.support.sandboxes import provider_account_configure

AREEBA = "/api/v1/payments/webhooks/areeba/"


@pytest.mark.parametrize("secret", [None, "", "sandbox-notification-secreT", "x" * 200])
def test_a_wrong_areeba_secret_is_refused_stored_and_changes_nothing(
    talent, areeba_books, areeba_sandbox, django_capture_on_commit_callbacks, secret
):
    payment = gateway_payment("areeba", UserFactory(), UserFactory(role="provider"), key="x-1")
    delivery = gateway_decide("areeba", areeba_sandbox, payment.provider_ref, "paid")
    headers = {} if secret is None else {"X-Notification-Secret": secret}
    with django_capture_on_commit_callbacks(execute=True) as queued:
        answer = Delivery(AREEBA, delivery.body, headers).post(api(talent))
    assert_error(answer, 401, "invalid_signature")
    assert queued == []  # nobody was asked about the payment
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
        stored = PaymentExchange.objects.get(direction="notification")
        assert payment.reference in stored.body["text"] and "secret is wrong" in stored.note
        assert not LedgerTransaction.objects.exists()


def test_a_signed_areeba_claim_is_still_checked_with_retrieve_order(
    talent, areeba_books, areeba_sandbox, django_capture_on_commit_callbacks
):
    payment = gateway_payment("areeba", UserFactory(), UserFactory(role="provider"), key="x-2")
    forged = {"order": {"id": payment.reference, "status": "CAPTURED", "amount": 25_000,
                        "currency": "IQD"}, "result": "SUCCESS"}  # fmt: skip
    headers = {"X-Notification-Secret": "sandbox-notification-secret"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = Delivery(AREEBA, json.dumps(forged).encode(), headers).post(api(talent))
    assert answer.status_code == 200
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
        assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize("code", ["nasswallet", "areeba"])
def test_another_marketplaces_payment_is_unknown_here(
    talent, fire, nasswallet_sandbox, areeba_sandbox, django_capture_on_commit_callbacks, code
):
    sandbox = {"nasswallet": nasswallet_sandbox, "areeba": areeba_sandbox}[code]
    with tenant_context(talent):
        provider_account_configure(code, sandbox)
        payment = gateway_payment(code, UserFactory(), UserFactory(role="provider"), key="x-3")
    delivery = gateway_decide(code, sandbox, payment.provider_ref, "paid")
    fire_host = api(fire)
    # fire does not take payments through the gateway: its webhook does not exist.
    assert_error(delivery.post(fire_host), 404)
    with tenant_context(fire):
        provider_account_configure(code, sandbox)  # the same merchant account, even
    with django_capture_on_commit_callbacks(execute=True) as queued:
        refused = delivery.post(fire_host)
    assert_error(refused, 404, "payment_not_found")
    assert queued == []
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
        assert not PaymentExchange.objects.filter(direction="notification").exists()
    with tenant_context(fire):
        assert not Payment.objects.exists() and not LedgerTransaction.objects.exists()


def test_another_marketplaces_payment_has_no_return_here(talent, fire, areeba_sandbox):
    with tenant_context(talent):
        provider_account_configure("areeba", areeba_sandbox)
        payer = UserFactory()
        payment = gateway_payment("areeba", payer, UserFactory(role="provider"), key="x-4")
        assert api(talent, payer).post(f"/api/v1/payments/{payment.reference}/return/",
                                       {"query": {}}).status_code == 200  # fmt: skip
    path = f"/api/v1/payments/{payment.reference}/return/"
    with tenant_context(fire):
        provider_account_configure("areeba", areeba_sandbox)
        intruder = UserFactory()
    assert_error(api(fire, intruder).post(path, {"query": {}}), 404, "payment_not_found")
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
