"""Connect in the Stripe sandbox: Express accounts, onboarding through an AccountLink, transfers
and reversals, payouts on a connected account."""

import pytest
import stripe

from tests.support.stripe_sandbox import visit

EXPRESS = {
    "type": "express",
    "country": "US",
    "email": "provider@example.com",
    "capabilities": {"transfers": {"requested": True}, "card_payments": {"requested": True}},
}


def link(client, account_id):
    return client.v1.account_links.create(
        params={
            "account": account_id,
            "type": "account_onboarding",
            "refresh_url": "https://talent-test.localhost/stripe/refresh",
            "return_url": "https://talent-test.localhost/stripe/return",
        }
    )


def charged(client, amount=10000):
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "transfer_group": "booking:1",
        }
    )


def test_an_express_account_is_disabled_until_onboarded_through_its_link(stripe_sandbox, client):
    account = client.v1.accounts.create(params=EXPRESS)
    assert account.id.startswith("acct_") and account.type == "express"
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (
        False,
        False,
        False,
    )
    assert account.capabilities.to_dict() == {"card_payments": "inactive", "transfers": "inactive"}
    assert account.requirements.currently_due
    made = link(client, account.id)
    assert made.object == "account_link" and made.expires_at > made.created
    status, _, page = visit(made.url)
    assert status == 200 and "<form" in page
    status, location, _ = visit(made.url, {"action": "submit"})
    assert (status, location) == (303, "https://talent-test.localhost/stripe/return")
    done = client.v1.accounts.retrieve(account.id)
    assert (done.charges_enabled, done.payouts_enabled, done.details_submitted) == (
        True,
        True,
        True,
    )
    assert done.capabilities.transfers == "active" and not done.requirements.currently_due
    status, location, _ = visit(made.url)
    assert (status, location) == (303, "https://talent-test.localhost/stripe/refresh")


def test_leaving_onboarding_keeps_the_account_disabled(client):
    account = client.v1.accounts.create(params=EXPRESS)
    status, location, _ = visit(link(client, account.id).url, {"action": "leave"})
    assert location.endswith("/return")
    assert client.v1.accounts.retrieve(account.id).details_submitted is False


def test_accounts_need_a_capability_and_a_known_id(client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.accounts.create(params={"type": "express"})
    assert refused.value.param == "capabilities"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.accounts.retrieve("acct_nothing")
    assert unknown.value.code == "resource_missing"


def test_transfers_need_an_onboarded_destination(stripe_sandbox, client):
    account = client.v1.accounts.create(params=EXPRESS)
    intent = charged(client)
    params = {
        "amount": 8000,
        "currency": "usd",
        "destination": account.id,
        "transfer_group": "booking:1",
        "source_transaction": intent.latest_charge,
    }
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.transfers.create(params=params)
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    stripe_sandbox.onboard(account.id)
    transfer = client.v1.transfers.create(params=params, options={"idempotency_key": "rel-1"})
    assert (transfer.object, transfer.amount, transfer.destination) == (
        "transfer",
        8000,
        account.id,
    )
    assert transfer.source_transaction == intent.latest_charge
    assert transfer.reversals.total_count == 0
    balance = client.v1.balance.retrieve(options={"stripe_account": account.id})
    assert [(b.amount, b.currency) for b in balance.available] == [(8000, "usd")]
    with pytest.raises(stripe.InvalidRequestError) as more:
        client.v1.transfers.create(params={**params, "amount": 3000})
    assert more.value.code == "balance_insufficient"
    with pytest.raises(stripe.InvalidRequestError) as nowhere:
        client.v1.transfers.create(params={**params, "destination": "acct_unknown"})
    assert nowhere.value.param == "destination"
    listed = client.v1.transfers.list(params={"transfer_group": "booking:1"})
    assert [t.id for t in listed.data] == [transfer.id]


def test_a_transfer_is_reversed_in_parts(stripe_sandbox, client):
    account = client.v1.accounts.create(params=EXPRESS)
    stripe_sandbox.onboard(account.id)
    intent = charged(client)
    transfer = client.v1.transfers.create(
        params={
            "amount": 6000,
            "currency": "usd",
            "destination": account.id,
            "source_transaction": intent.latest_charge,
        }
    )
    part = client.v1.transfers.reversals.create(transfer.id, params={"amount": 2500})
    assert (part.object, part.amount, part.transfer) == ("transfer_reversal", 2500, transfer.id)
    rest = client.v1.transfers.reversals.create(transfer.id)
    assert rest.amount == 3500
    again = client.v1.transfers.retrieve(transfer.id)
    assert (again.amount_reversed, again.reversed, again.reversals.total_count) == (6000, True, 2)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.reversals.create(transfer.id, params={"amount": 1})


def test_a_destination_charge_refund_reverses_its_transfer(stripe_sandbox, client):
    account = client.v1.accounts.create(params=EXPRESS)
    stripe_sandbox.onboard(account.id)
    intent = client.v1.payment_intents.create(
        params={
            "amount": 10000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "application_fee_amount": 1000,
            "transfer_data": {"destination": account.id},
        }
    )
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert client.v1.transfers.retrieve(charge.transfer).amount == 9000
    refund = client.v1.refunds.create(
        params={"payment_intent": intent.id, "amount": 5000, "reverse_transfer": True}
    )
    assert client.v1.transfers.retrieve(charge.transfer).amount_reversed == 4500
    assert refund.transfer_reversal
    separate = charged(client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.refunds.create(params={"payment_intent": separate.id, "reverse_transfer": True})
    assert refused.value.param == "reverse_transfer"


def test_payouts_on_a_connected_account(stripe_sandbox, client):
    account = client.v1.accounts.create(params=EXPRESS)
    as_connected = {"stripe_account": account.id}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payouts.create(params={"amount": 100, "currency": "usd"}, options=as_connected)
    assert refused.value.code == "payouts_not_allowed"
    stripe_sandbox.onboard(account.id)
    client.v1.transfers.create(
        params={
            "amount": 5000,
            "currency": "usd",
            "destination": account.id,
            "source_transaction": charged(client).latest_charge,
        }
    )
    payout = client.v1.payouts.create(
        params={"amount": 4000, "currency": "usd"}, options=as_connected
    )
    assert (payout.object, payout.status, payout.amount) == ("payout", "pending", 4000)
    with pytest.raises(stripe.InvalidRequestError) as short:
        client.v1.payouts.create(params={"amount": 2000, "currency": "usd"}, options=as_connected)
    assert short.value.code == "balance_insufficient"
    assert stripe_sandbox.outcome(payout.id, "paid")["status"] == "paid"
    assert client.v1.payouts.retrieve(payout.id, options=as_connected).status == "paid"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payouts.retrieve(payout.id)  # not the platform's own payout
