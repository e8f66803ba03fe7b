"""The Stripe driver against the project's Stripe sandbox over real HTTP (stripe-python's own
client): Checkout, status from the PaymentIntent, saved cards charged off-session, refunds,
transfers to connected accounts, and signed webhooks."""

import json
import time
from datetime import timedelta

import pytest

from billing.money import Money
from billing.providers.base import PaymentRequest, PaymentState, ProviderError, SavedMethod
from billing.providers.stripe import StripeDriver
from tests.support.stripe_books import sign


def gbp(pence: int) -> Money:
    return Money(pence, "GBP")


def _request(ref="pay_0001", amount: Money | None = None, **extra) -> PaymentRequest:
    return PaymentRequest(
        merchant_ref=ref, amount=amount or gbp(15_000), description="Fire poi, 1 hour",
        return_url="https://fire.localhost/paid", cancel_url="https://fire.localhost/paid",
        callback_url="https://fire.localhost/api/v1/payments/webhooks/stripe/",
        idempotency_key=f"key-{ref}", expires_in=timedelta(hours=8), **extra,
    )  # fmt: skip


@pytest.fixture
def key(stripe_sandbox):
    return stripe_sandbox.new_key()


@pytest.fixture
def driver(stripe_sandbox, key):
    return StripeDriver(
        base_url=stripe_sandbox.url, secret_key=key,
        webhook_secret="whsec_platform", connect_webhook_secret="whsec_connect",
    )  # fmt: skip


def _paid(driver, stripe_sandbox, ref="pay_0001", card="visa", **extra) -> str:
    session = driver.create_payment(_request(ref, **extra))
    stripe_sandbox.outcome(session.provider_ref, "succeeded", card=card)
    return session.provider_ref


def test_a_checkout_session_pays_and_keeps_the_card(driver, stripe_sandbox):
    session = driver.create_payment(_request(save_method=True, transfer_group="booking:7"))
    assert session.provider_ref.startswith("cs_") and session.next_action.type == "redirect"
    assert session.next_action.url.startswith(stripe_sandbox.url)
    assert driver.get_status(session.provider_ref).state == PaymentState.PENDING
    # Asking again with the same key is the same session (Stripe's idempotency).
    again = driver.create_payment(_request(save_method=True, transfer_group="booking:7"))
    assert again.provider_ref == session.provider_ref

    stripe_sandbox.outcome(session.provider_ref, "succeeded")
    status = driver.get_status(session.provider_ref)
    assert status.state == PaymentState.PAID and status.amount == gbp(15_000)
    intent = status.raw["payment_intent"]
    assert intent["metadata"]["merchant_ref"] == "pay_0001"
    assert intent["transfer_group"] == "booking:7"
    saved = status.saved_method
    assert saved is not None and saved.label == "Visa •••• 4242"
    assert saved.customer_ref.startswith("cus_") and saved.method_ref.startswith("pm_")

    # The saved card pays later without its holder.
    later = driver.charge_saved(_request("pay_0002", gbp(45_000)), saved)
    assert later.provider_ref.startswith("pi_") and later.state == PaymentState.PAID
    assert driver.get_status(later.provider_ref).amount == gbp(45_000)


def test_declined_expired_and_unsaved(driver, stripe_sandbox):
    declined = driver.create_payment(_request("pay_decl"))
    stripe_sandbox.outcome(declined.provider_ref, "declined")
    assert driver.get_status(declined.provider_ref).state == PaymentState.FAILED
    expired = driver.create_payment(_request("pay_expd"))
    stripe_sandbox.outcome(expired.provider_ref, "expired")
    assert driver.get_status(expired.provider_ref).state == PaymentState.EXPIRED
    plain = _paid(driver, stripe_sandbox, "pay_plain")
    assert driver.get_status(plain).saved_method is None


def test_a_card_that_needs_its_holder_is_off_session_failed(driver, key, stripe_sandbox):
    client = stripe_sandbox.client(key)
    customer = client.v1.customers.create({"email": "payer@example.com"})
    method = client.v1.payment_methods.attach(
        "pm_card_authenticationRequired", {"customer": customer.id}
    )
    with pytest.raises(ProviderError) as refused:
        driver.charge_saved(_request("pay_3ds"), SavedMethod(customer.id, method.id))
    assert refused.value.code == "off_session_failed"


def test_iqd_is_refused_before_any_call():
    nowhere = StripeDriver(base_url="http://127.0.0.1:9", secret_key="sk_test_nowhere")
    with pytest.raises(ProviderError) as refused:
        nowhere.create_payment(_request(amount=Money(25_000_000, "IQD")))
    assert refused.value.code == "currency_not_supported"
    with pytest.raises(ProviderError) as unreachable:
        nowhere.create_payment(_request())
    assert unreachable.value.code == "provider_unreachable"


def test_partial_and_full_refunds(driver, stripe_sandbox):
    paid = _paid(driver, stripe_sandbox)
    part = driver.refund(paid, gbp(5_000), "refund-1")
    assert part.refund_ref.startswith("re_") and part.state == PaymentState.PARTIALLY_REFUNDED
    assert driver.refund(paid, gbp(5_000), "refund-1").refund_ref == part.refund_ref  # same key
    rest = driver.refund(paid, gbp(10_000), "refund-2")
    assert rest.state == PaymentState.REFUNDED
    with pytest.raises(ProviderError):
        driver.refund(paid, gbp(1), "refund-3")
    unpaid = driver.create_payment(_request("pay_none")).provider_ref
    with pytest.raises(ProviderError) as nothing:
        driver.refund(unpaid, None, "refund-4")
    assert nothing.value.code == "not_paid"


def test_a_transfer_releases_to_an_onboarded_connected_account(driver, stripe_sandbox):
    account = driver.account_create(email="poi@example.com", idempotency_key="acct-1")
    assert driver.account_create(email="poi@example.com", idempotency_key="acct-1") == account
    link = driver.account_link(
        account_ref=account, refresh_url="https://fire.localhost/r",
        return_url="https://fire.localhost/d",
    )  # fmt: skip
    assert link.startswith(stripe_sandbox.url)
    assert driver.account_get(account)["charges_enabled"] is False
    paid = _paid(driver, stripe_sandbox)
    with pytest.raises(ProviderError):  # not onboarded: no transfers yet
        driver.payout(account, gbp(13_800), "tr-0", source_ref=paid)
    stripe_sandbox.onboard(account)
    assert driver.account_get(account)["charges_enabled"] is True
    transfer = driver.payout(
        account, gbp(13_800), "tr-1", transfer_group="booking:7", source_ref=paid
    )
    assert transfer.payout_ref.startswith("tr_")
    seen = stripe_sandbox.peek(transfer.payout_ref)
    assert seen["destination"] == account and seen["transfer_group"] == "booking:7"
    assert seen["source_transaction"].startswith("ch_") and seen["amount"] == 13_800
    reversal = driver.transfer_reverse(transfer.payout_ref, gbp(3_800), "trr-1")
    assert reversal["amount"] == 3_800


def test_webhooks_are_verified_with_the_secrets_and_the_tolerance(driver):
    event = {"id": "evt_1", "object": "event", "type": "payment_intent.succeeded",
             "data": {"object": {"id": "pi_1", "object": "payment_intent",
                                 "metadata": {"merchant_ref": "pay_0001"}}}}  # fmt: skip
    body = json.dumps(event).encode()
    read = driver.parse_notification(
        headers={"Stripe-Signature": sign("whsec_platform", body)}, body=body, query={}
    )
    assert (read.provider_ref, read.merchant_ref, read.verified) == ("pi_1", "pay_0001", True)
    connect = driver.parse_notification(
        headers={"stripe-signature": sign("whsec_connect", body)}, body=body, query={}
    )
    assert connect.provider_ref == "pi_1"
    for signature in (
        sign("whsec_other", body),
        sign("whsec_platform", body, int(time.time()) - 301),
        sign("whsec_platform", body + b" "),
        "",
    ):
        with pytest.raises(ProviderError) as refused:
            driver.parse_notification(headers={"Stripe-Signature": signature}, body=body, query={})
        assert refused.value.code == "invalid_signature"
