"""Events and signed webhooks from the Stripe sandbox, verified with stripe-python's own
``stripe.Webhook.construct_event``."""

import json
import time

import pytest
import stripe

from tests.support.stripe_sandbox import wait_for

EXPRESS = {"type": "express", "capabilities": {"transfers": {"requested": True}}}


def endpoint(client, inbox, **extra):
    return client.v1.webhook_endpoints.create(
        params={"url": inbox.url, "enabled_events": ["*"], **extra}
    )


def paid(client, **extra):
    return client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            **extra,
        }
    )


def received(inbox, type, count=1):
    return wait_for(
        lambda: len(inbox.events(type)) >= count and inbox.events(type), what=f"{count} {type}"
    )


def test_the_secret_is_shown_once(client, webhook_inbox):
    made = endpoint(client, webhook_inbox, description="souk")
    assert made.secret.startswith("whsec_") and made.status == "enabled"
    assert "secret" not in client.v1.webhook_endpoints.retrieve(made.id)
    assert [e.id for e in client.v1.webhook_endpoints.list().data] == [made.id]
    disabled = client.v1.webhook_endpoints.update(made.id, params={"disabled": True})
    assert disabled.status == "disabled"
    assert client.v1.webhook_endpoints.delete(made.id).deleted is True
    assert client.v1.webhook_endpoints.list().data == []


def test_deliveries_are_signed_as_stripe_signs_them(client, webhook_inbox):
    secret = endpoint(client, webhook_inbox).secret
    intent = paid(client, metadata={"merchant_ref": "pay_9"})
    received(webhook_inbox, "payment_intent.succeeded")
    body, headers = next(
        (b, h)
        for b, h in webhook_inbox.received
        if json.loads(b)["type"] == "payment_intent.succeeded"
    )
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], secret)
    assert (event.type, event.data.object.id, event.livemode) == (
        "payment_intent.succeeded",
        intent.id,
        False,
    )
    assert event.data.object.metadata.merchant_ref == "pay_9"
    assert headers["Content-Type"].startswith("application/json")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body + b" ", headers["Stripe-Signature"], secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_other")


def test_only_the_enabled_events_are_sent(client, webhook_inbox):
    endpoint(client, webhook_inbox, enabled_events=["payment_intent.payment_failed"])
    paid(client)
    with pytest.raises(stripe.CardError):
        paid(client, payment_method="pm_card_chargeDeclined")
    failed = received(webhook_inbox, "payment_intent.payment_failed")
    assert failed[0]["data"]["object"]["last_payment_error"]["code"] == "card_declined"
    assert {e["type"] for e in webhook_inbox.events()} == {"payment_intent.payment_failed"}


def test_connected_account_events_go_to_connect_endpoints(stripe_sandbox, client, webhook_inbox):
    connect_secret = endpoint(
        client, webhook_inbox, connect=True, enabled_events=["account.updated"]
    ).secret
    account = client.v1.accounts.create(params=EXPRESS)
    stripe_sandbox.onboard(account.id)
    updated = received(webhook_inbox, "account.updated")[0]
    assert updated["account"] == account.id
    assert updated["data"]["object"]["charges_enabled"] is True
    assert updated["data"]["previous_attributes"]["charges_enabled"] is False
    body, headers = webhook_inbox.received[0]
    assert stripe.Webhook.construct_event(body, headers["Stripe-Signature"], connect_secret)


def test_a_resend_is_a_duplicate_and_a_stale_one_fails_the_tolerance(
    stripe_sandbox, client, webhook_inbox
):
    secret = endpoint(client, webhook_inbox, enabled_events=["payment_intent.succeeded"]).secret
    paid(client)
    first = received(webhook_inbox, "payment_intent.succeeded")[0]
    stripe_sandbox.resend(first["id"])
    again = received(webhook_inbox, "payment_intent.succeeded", 2)
    assert again[0]["id"] == again[1]["id"]
    stripe_sandbox.resend(first["id"], timestamp=int(time.time()) - 600)
    received(webhook_inbox, "payment_intent.succeeded", 3)
    body, headers = webhook_inbox.received[2]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], secret)


def test_a_failed_delivery_is_retried(stripe_sandbox, client, key, webhook_inbox):
    endpoint(client, webhook_inbox, enabled_events=["payment_intent.succeeded"])
    webhook_inbox.status = 500
    paid(client)
    wait_for(lambda: webhook_inbox.received, what="a first attempt")
    webhook_inbox.status = 200
    event = stripe_sandbox.events(key, "payment_intent.succeeded")[0]
    delivered = wait_for(
        lambda: [d for d in stripe_sandbox.peek(event["id"])["deliveries"] if d["status"] == 200],
        what="a retried delivery",
    )
    attempts = stripe_sandbox.peek(event["id"])["deliveries"]
    assert attempts[0]["status"] == 500 and len(delivered) == 1


def test_events_are_listed_by_type_and_retrieved(client):
    intent = paid(client)
    listed = client.v1.events.list(params={"type": "payment_intent.succeeded"})
    assert [e.data.object.id for e in listed.data] == [intent.id]
    assert client.v1.events.retrieve(listed.data[0].id).type == "payment_intent.succeeded"
    charges = client.v1.events.list(params={"type": "charge.*"})
    assert {e.type for e in charges.data} == {"charge.succeeded"}


def test_every_state_change_the_driver_follows_makes_its_event(stripe_sandbox, client, key):
    account = client.v1.accounts.create(params=EXPRESS)
    stripe_sandbox.onboard(account.id)
    intent = paid(client)
    client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 500})
    refund = client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 500})
    stripe_sandbox.outcome(refund.id, "failed")
    with pytest.raises(stripe.CardError):
        paid(client, payment_method="pm_card_chargeDeclined")
    client.v1.payment_intents.cancel(
        client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd"}).id
    )
    line = {
        "price_data": {"currency": "usd", "unit_amount": 2000, "product_data": {"name": "x"}},
        "quantity": 1,
    }
    for outcome in ("succeeded", "expired"):
        made = client.v1.checkout.sessions.create(
            params={"mode": "payment", "line_items": [line], "success_url": "https://x.localhost/"}
        )
        stripe_sandbox.outcome(made.id, outcome)
    transfer = client.v1.transfers.create(
        params={"amount": 1000, "currency": "usd", "destination": account.id}
    )
    client.v1.transfers.reversals.create(transfer.id, params={"amount": 100})
    dispute = stripe_sandbox.dispute(paid(client).latest_charge)
    stripe_sandbox.close_dispute(dispute["id"], "won")
    customer = client.v1.customers.create()
    client.v1.setup_intents.create(
        params={"customer": customer.id, "payment_method": "pm_card_visa", "confirm": True}
    )
    payout = client.v1.payouts.create(
        params={"amount": 500, "currency": "usd"}, options={"stripe_account": account.id}
    )
    stripe_sandbox.outcome(payout.id, "paid")
    types = {e["type"] for e in stripe_sandbox.events(key)}
    assert types >= {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "checkout.session.completed",
        "checkout.session.expired",
        "charge.refunded",
        "refund.created",
        "refund.updated",
        "transfer.created",
        "transfer.reversed",
        "account.updated",
        "charge.dispute.created",
        "charge.dispute.closed",
        "setup_intent.succeeded",
        "payout.paid",
    }
    payouts = [e for e in stripe_sandbox.events(key, "payout.paid")]
    assert payouts[0]["account"] == account.id
