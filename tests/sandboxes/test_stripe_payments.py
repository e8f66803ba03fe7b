"""Customers, PaymentMethods, PaymentIntents, SetupIntents, Refunds and disputes in the Stripe
sandbox, with Stripe's test cards, through stripe-python."""

import pytest
import stripe

from tests.support.stripe_sandbox import detail


@pytest.fixture
def customer(client):
    return client.v1.customers.create(params={"email": "payer@example.com", "name": "Payer"})


def test_test_cards_attach_detach_and_list(client, customer):
    visa = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    master = client.v1.payment_methods.attach(
        "pm_card_mastercard", params={"customer": customer.id}
    )
    assert visa.id.startswith("pm_") and visa.id != "pm_card_visa"
    assert (visa.card.brand, visa.card.last4, visa.customer) == ("visa", "4242", customer.id)
    assert (master.card.brand, master.card.last4) == ("mastercard", "4444")
    assert visa.card.exp_year > 2000 and 1 <= visa.card.exp_month <= 12
    listed = client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    assert {pm.id for pm in listed.data} == {visa.id, master.id}
    fresh = client.v1.payment_methods.retrieve("pm_card_amex")  # a test token, as at Stripe
    assert (fresh.card.brand, fresh.customer) == ("amex", None)
    detached = client.v1.payment_methods.detach(visa.id)
    assert detached.customer is None
    assert client.v1.payment_methods.retrieve(master.id).customer == customer.id
    with pytest.raises(stripe.CardError) as refused:
        client.v1.payment_methods.attach("pm_card_chargeDeclined", params={"customer": customer.id})
    assert refused.value.code == "card_declined"


def test_an_intent_moves_from_requires_payment_method_to_succeeded(client, customer):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 2500,
            "currency": "usd",
            "customer": customer.id,
            "transfer_group": "booking:7",
            "metadata": {"merchant_ref": "pay_7"},
        }
    )
    assert (intent.status, intent.latest_charge, intent.livemode) == (
        "requires_payment_method",
        None,
        False,
    )
    assert intent.client_secret.startswith(intent.id + "_secret_")
    confirmed = client.v1.payment_intents.confirm(
        intent.id, params={"payment_method": "pm_card_visa"}
    )
    assert (confirmed.status, confirmed.amount_received) == ("succeeded", 2500)
    charge = client.v1.charges.retrieve(confirmed.latest_charge)
    assert (charge.status, charge.paid, charge.amount, charge.currency) == (
        "succeeded",
        True,
        2500,
        "usd",
    )
    assert charge.payment_intent == intent.id and charge.transfer_group == "booking:7"
    assert charge.payment_method_details.card.last4 == "4242"
    with pytest.raises(stripe.InvalidRequestError) as late:
        client.v1.payment_intents.cancel(intent.id)
    assert late.value.code == "payment_intent_unexpected_state"


def test_a_card_set_up_with_3ds_is_then_charged_off_session(stripe_sandbox, client, customer):
    first = client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "customer": customer.id,
            "confirm": True,
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "setup_future_usage": "off_session",
        }
    )
    assert first.status == "requires_action"
    assert first.next_action.type == "use_stripe_sdk"
    assert stripe_sandbox.outcome(first.id, "succeeded")["status"] == "succeeded"
    method = client.v1.payment_intents.retrieve(first.id).payment_method
    later = client.v1.payment_intents.create(
        params={
            "amount": 3000,
            "currency": "usd",
            "customer": customer.id,
            "confirm": True,
            "off_session": True,
            "payment_method": method,
        }
    )
    assert later.status == "succeeded"


def test_off_session_charges(stripe_sandbox, client, customer):
    saved = client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "customer": customer.id,
            "confirm": True,
            "payment_method": "pm_card_visa",
            "setup_future_usage": "off_session",
        }
    )
    method = client.v1.payment_methods.retrieve(saved.payment_method)
    assert method.customer == customer.id
    again = client.v1.payment_intents.create(
        params={
            "amount": 4000,
            "currency": "usd",
            "customer": customer.id,
            "confirm": True,
            "off_session": True,
            "payment_method": method.id,
        }
    )
    assert again.status == "succeeded"
    needs_payer = client.v1.payment_methods.attach(
        "pm_card_authenticationRequired", params={"customer": customer.id}
    )
    with pytest.raises(stripe.CardError) as refused:
        client.v1.payment_intents.create(
            params={
                "amount": 4000,
                "currency": "usd",
                "customer": customer.id,
                "confirm": True,
                "off_session": True,
                "payment_method": needs_payer.id,
            }
        )
    assert refused.value.http_status == 402
    assert refused.value.code == "authentication_required"
    intent = detail(refused.value).payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "authentication_required"
    assert intent.last_payment_error.payment_method.id == needs_payer.id


@pytest.mark.parametrize(
    ("card", "decline"),
    [
        ("pm_card_chargeDeclined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
    ],
)
def test_a_declined_card_answers_402_with_the_intent(client, card, decline):
    with pytest.raises(stripe.CardError) as refused:
        client.v1.payment_intents.create(
            params={"amount": 2000, "currency": "usd", "payment_method": card, "confirm": True}
        )
    error = detail(refused.value)
    assert (refused.value.http_status, error.code, error.decline_code) == (
        402,
        "card_declined",
        decline,
    )
    intent = client.v1.payment_intents.retrieve(error.payment_intent.id)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.decline_code == decline
    assert client.v1.charges.retrieve(intent.latest_charge).status == "failed"
    retried = client.v1.payment_intents.confirm(
        intent.id, params={"payment_method": "pm_card_visa"}
    )
    assert retried.status == "succeeded"


def test_three_d_secure_then_the_hook_decides(stripe_sandbox, client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "confirm": True,
            "payment_method": "pm_card_authenticationRequired",
            "return_url": "https://talent.localhost/back",
        }
    )
    assert intent.status == "requires_action"
    assert intent.next_action.redirect_to_url.url.startswith(stripe_sandbox.url + "/3ds/")
    assert stripe_sandbox.outcome(intent.id, "succeeded")["status"] == "succeeded"
    assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_hooks_decide_processing_declines_and_cancels(stripe_sandbox, client):
    new = {"amount": 2000, "currency": "usd"}
    processing = client.v1.payment_intents.create(params=new)
    assert stripe_sandbox.outcome(processing.id, "processing")["status"] == "processing"
    assert stripe_sandbox.outcome(processing.id, "succeeded")["status"] == "succeeded"
    declined = stripe_sandbox.outcome(client.v1.payment_intents.create(params=new).id, "declined")
    assert declined["status"] == "requires_payment_method"
    assert declined["sandbox_error"]["code"] == "card_declined"
    canceled = client.v1.payment_intents.cancel(
        client.v1.payment_intents.create(params=new).id,
        params={"cancellation_reason": "abandoned"},
    )
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")


def test_setup_intents_save_a_card(stripe_sandbox, client, customer):
    setup = client.v1.setup_intents.create(
        params={"customer": customer.id, "payment_method": "pm_card_visa", "confirm": True}
    )
    assert (setup.status, setup.usage) == ("succeeded", "off_session")
    assert client.v1.payment_methods.retrieve(setup.payment_method).customer == customer.id
    pending = client.v1.setup_intents.create(params={"customer": customer.id})
    assert stripe_sandbox.outcome(pending.id, "requires_action")["status"] == "requires_action"
    assert stripe_sandbox.outcome(pending.id, "succeeded")["status"] == "succeeded"
    with pytest.raises(stripe.CardError) as refused:
        client.v1.setup_intents.create(
            params={
                "customer": customer.id,
                "payment_method": "pm_card_chargeDeclined",
                "confirm": True,
            }
        )
    assert detail(refused.value).setup_intent.status == "requires_payment_method"


def paid(client, amount=5000):
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


def test_partial_refunds_then_the_rest_then_no_more(client):
    intent = paid(client)
    part = client.v1.refunds.create(
        params={
            "payment_intent": intent.id,
            "amount": 1500,
            "reason": "requested_by_customer",
            "metadata": {"ref": "rf_1"},
        }
    )
    assert (part.object, part.status, part.amount, part.charge) == (
        "refund",
        "succeeded",
        1500,
        intent.latest_charge,
    )
    with pytest.raises(stripe.InvalidRequestError) as over:
        client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 4000})
    assert (over.value.code, over.value.param) == ("amount_too_large", "amount")
    rest = client.v1.refunds.create(params={"charge": intent.latest_charge})
    assert rest.amount == 3500
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (5000, True)
    with pytest.raises(stripe.InvalidRequestError) as done:
        client.v1.refunds.create(params={"payment_intent": intent.id})
    assert done.value.code == "charge_already_refunded"
    listed = client.v1.refunds.list(params={"payment_intent": intent.id})
    assert {r.id for r in listed.data} == {part.id, rest.id}


def test_an_unpaid_intent_cannot_be_refunded(client):
    intent = client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": intent.id})


def test_a_dispute_opens_and_closes(stripe_sandbox, client):
    intent = paid(client)
    dispute = stripe_sandbox.dispute(intent.latest_charge, reason="fraudulent")
    assert (dispute["object"], dispute["status"], dispute["amount"]) == (
        "dispute",
        "needs_response",
        5000,
    )
    assert client.v1.charges.retrieve(intent.latest_charge).disputed is True
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.refunds.create(params={"payment_intent": intent.id})
    assert refused.value.code == "charge_disputed"
    assert stripe_sandbox.close_dispute(dispute["id"], "lost")["status"] == "lost"
    assert client.v1.disputes.retrieve(dispute["id"]).status == "lost"


def test_the_dispute_card_opens_one_by_itself(client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "payment_method": "pm_card_createDispute",
            "confirm": True,
        }
    )
    disputes = client.v1.disputes.list(params={"payment_intent": intent.id}).data
    assert [d.status for d in disputes] == ["needs_response"]
