"""Checkout Sessions in the Stripe sandbox: creation and its checks, the hosted page, the test
hook's outcomes, expiry."""

import time

import pytest
import stripe

from tests.support.stripe_sandbox import visit

SUCCESS = "https://talent-test.localhost/paid?session={CHECKOUT_SESSION_ID}"


def session(client, **extra):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 4500,
                    "product_data": {"name": "Oud player, 2 hours"},
                },
                "quantity": 2,
            }
        ],
        "success_url": SUCCESS,
        "cancel_url": "https://talent-test.localhost/cancelled",
        "client_reference_id": "pay_1",
        "payment_intent_data": {
            "setup_future_usage": "off_session",
            "transfer_group": "booking:1",
            "metadata": {"merchant_ref": "pay_1"},
        },
        **extra,
    }
    return client.v1.checkout.sessions.create(params=params)


def test_a_session_is_open_with_a_page_and_no_intent_yet(stripe_sandbox, client):
    made = session(client, metadata={"ref": "pay_1"})
    assert made.id.startswith("cs_test_") and made.object == "checkout.session"
    assert (made.status, made.payment_status, made.amount_total, made.currency) == (
        "open",
        "unpaid",
        9000,
        "usd",
    )
    assert made.payment_intent is None  # Stripe makes it when the payer pays
    assert made.url.startswith(stripe_sandbox.url + "/c/pay/")
    assert made.expires_at - made.created == 86400
    status, _, page = visit(made.url)
    assert status == 200 and "<form" in page and "9000 USD" in page
    items = client.v1.checkout.sessions.line_items.list(made.id)
    assert [(i.quantity, i.amount_total, i.description) for i in items.data] == [
        (2, 9000, "Oud player, 2 hours")
    ]


def test_paying_on_the_page_completes_it(stripe_sandbox, client):
    made = session(client)
    status, location, _ = visit(made.url, {"card": "visa", "action": "pay"})
    assert status == 303 and location == SUCCESS.replace("{CHECKOUT_SESSION_ID}", made.id)
    done = client.v1.checkout.sessions.retrieve(made.id, params={"expand": ["payment_intent"]})
    assert (done.status, done.payment_status) == ("complete", "paid")
    intent = done.payment_intent
    assert (intent.status, intent.amount, intent.transfer_group) == ("succeeded", 9000, "booking:1")
    assert intent.metadata.to_dict() == {"merchant_ref": "pay_1"}
    assert intent.setup_future_usage == "off_session"
    assert done.customer and intent.customer == done.customer
    saved = client.v1.payment_methods.retrieve(intent.payment_method)
    assert saved.customer == done.customer and saved.card.last4 == "4242"
    assert visit(made.url)[2].count("complete") == 1


def test_a_refused_card_on_the_page_leaves_it_open_to_retry(client):
    made = session(client)
    status, _, page = visit(made.url, {"card": "chargeDeclined", "action": "pay"})
    assert status == 402 and "Your card was declined." in page
    again = client.v1.checkout.sessions.retrieve(made.id)
    assert again.status == "open"
    intent = client.v1.payment_intents.retrieve(again.payment_intent)
    assert intent.status == "requires_payment_method"
    status, location, _ = visit(made.url, {"card": "visa", "action": "pay"})
    assert status == 303
    assert client.v1.payment_intents.retrieve(again.payment_intent).status == "succeeded"


def test_cancel_on_the_page_goes_back_and_keeps_it_open(client):
    made = session(client)
    status, location, _ = visit(made.url, {"action": "cancel"})
    assert (status, location) == (303, "https://talent-test.localhost/cancelled")
    assert client.v1.checkout.sessions.retrieve(made.id).status == "open"


def test_three_d_secure_on_the_page(client):
    made = session(client)
    status, location, _ = visit(made.url, {"card": "authenticationRequired", "action": "pay"})
    assert status == 303 and location.startswith("/3ds/pi_")
    base = made.url.split("/c/pay/")[0]
    status, location, _ = visit(base + location, {"action": "complete"})
    assert status == 303 and location.endswith(made.id)
    assert client.v1.checkout.sessions.retrieve(made.id).payment_status == "paid"


@pytest.mark.parametrize(
    ("outcome", "status", "intent_status"),
    [
        ("succeeded", "complete", "succeeded"),
        ("declined", "open", "requires_payment_method"),
        ("requires_action", "open", "requires_action"),
        ("expired", "expired", None),
    ],
)
def test_the_hook_decides_the_outcome(stripe_sandbox, client, outcome, status, intent_status):
    made = session(client)
    answer = stripe_sandbox.outcome(made.id, outcome)
    assert answer["status"] == status
    again = client.v1.checkout.sessions.retrieve(made.id)
    assert again.status == status
    if intent_status:
        assert client.v1.payment_intents.retrieve(again.payment_intent).status == intent_status
    if outcome == "requires_action":
        assert stripe_sandbox.outcome(made.id, "succeeded")["status"] == "complete"


def test_expire_by_api_cancels_nothing_paid_and_only_once(client):
    made = session(client)
    expired = client.v1.checkout.sessions.expire(made.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(made.id)


def test_expires_at_is_checked_and_honoured(client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        session(client, expires_at=int(time.time()) + 60)
    assert refused.value.param == "expires_at"
    with pytest.raises(stripe.InvalidRequestError) as too_small:
        session(
            client,
            line_items=[
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 10,
                        "product_data": {"name": "x"},
                    },
                    "quantity": 1,
                }
            ],
        )
    assert too_small.value.code == "amount_too_small"


def test_setup_mode_saves_a_card_for_a_customer(stripe_sandbox, client):
    customer = client.v1.customers.create(params={"email": "p@example.com"})
    made = client.v1.checkout.sessions.create(
        params={"mode": "setup", "currency": "usd", "customer": customer.id, "success_url": SUCCESS}
    )
    assert stripe_sandbox.outcome(made.id, "succeeded")["payment_status"] == "no_payment_required"
    done = client.v1.checkout.sessions.retrieve(made.id, params={"expand": ["setup_intent"]})
    assert done.setup_intent.status == "succeeded"
    methods = client.v1.customers.payment_methods.list(customer.id)
    assert [m.id for m in methods.data] == [done.setup_intent.payment_method]
