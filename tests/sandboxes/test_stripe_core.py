"""The Stripe sandbox's protocol: keys, partitioning by key, idempotency, forms, expansion,
connected accounts, lists and error shapes, through stripe-python over real HTTP."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import stripe

from tests.support.stripe_sandbox import detail


def test_a_bad_or_missing_key_is_refused_with_stripes_401(stripe_sandbox):
    with pytest.raises(stripe.AuthenticationError) as refused:
        stripe_sandbox.client("sk_live_nope1234").v1.customers.list()
    assert refused.value.http_status == 401
    assert detail(refused.value).type == "invalid_request_error"
    assert "Invalid API Key provided" in refused.value.user_message
    request = urllib.request.Request(stripe_sandbox.url + "/v1/customers")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=10)
    assert missing.value.code == 401
    assert "did not provide an API key" in json.loads(missing.value.read())["error"]["message"]


def test_each_key_is_its_own_platform(stripe_sandbox, client):
    customer = client.v1.customers.create(params={"email": "a@example.com"})
    other = stripe_sandbox.client(stripe_sandbox.new_key())
    with pytest.raises(stripe.InvalidRequestError) as hidden:
        other.v1.customers.retrieve(customer.id)
    assert hidden.value.http_status == 404
    assert hidden.value.code == "resource_missing"
    assert hidden.value.user_message == f"No such customer: '{customer.id}'"
    assert other.v1.customers.list().data == []
    assert [c.id for c in client.v1.customers.list().data] == [customer.id]


def test_an_idempotency_key_replays_the_first_answer(client):
    params = {"amount": 2000, "currency": "usd", "metadata": {"ref": "pay_1"}}
    first = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k-1"})
    again = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k-1"})
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.last_response.headers
    assert len(client.v1.payment_intents.list().data) == 1
    with pytest.raises(stripe.IdempotencyError) as reused:
        client.v1.payment_intents.create(
            params={**params, "amount": 3000}, options={"idempotency_key": "k-1"}
        )
    assert reused.value.http_status == 400
    assert detail(reused.value).type == "idempotency_error"


def test_a_refused_card_is_replayed_too(client):
    params = {
        "amount": 2000,
        "currency": "usd",
        "payment_method": "pm_card_chargeDeclined",
        "confirm": True,
    }
    errors = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as refused:
            client.v1.payment_intents.create(params=params, options={"idempotency_key": "k-2"})
        errors.append(refused.value)
    assert detail(errors[0]).payment_intent.id == detail(errors[1]).payment_intent.id
    assert (errors[1].headers or {}).get("Idempotent-Replayed") == "true"


def test_unknown_and_missing_parameters_are_refused_as_stripe_does(client):
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd", "colour": 1})
    assert (unknown.value.code, unknown.value.param) == ("parameter_unknown", "colour")
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_intents.create(params={"currency": "usd"})
    assert (missing.value.code, missing.value.param) == ("parameter_missing", "amount")
    assert missing.value.user_message == "Missing required param: amount."
    with pytest.raises(stripe.InvalidRequestError) as currency:
        client.v1.payment_intents.create(params={"amount": 2000, "currency": "iqd"})
    assert currency.value.param == "currency"
    assert currency.value.user_message.startswith("Invalid currency: iqd.")


def test_an_unknown_url_answers_stripes_404(stripe_sandbox, key):
    request = urllib.request.Request(
        stripe_sandbox.url + "/v1/nothing", headers={"Authorization": f"Bearer {key}"}
    )
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=10)
    body = json.loads(missing.value.read())
    assert missing.value.code == 404
    assert body["error"]["message"].startswith("Unrecognized request URL (GET: /v1/nothing)")
    assert missing.value.headers["Request-Id"].startswith("req_")


def test_nested_brackets_lists_and_expansion(client):
    customer = client.v1.customers.create(params={"metadata": {"a": "1", "b": "2"}})
    customer = client.v1.customers.update(customer.id, params={"metadata": {"a": ""}})
    assert customer.metadata.to_dict() == {"b": "2"}
    intent = client.v1.payment_intents.create(
        params={
            "amount": 1500,
            "currency": "eur",
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "confirm": True,
            "expand": ["latest_charge", "customer"],
        }
    )
    assert intent.latest_charge.object == "charge"
    assert intent.customer.id == customer.id
    page = client.v1.payment_intents.list(params={"expand": ["data.latest_charge"]})
    assert page.data[0].latest_charge.amount == 1500
    assert (page.object, page.has_more, page.url) == ("list", False, "/v1/payment_intents")


def test_lists_page_with_cursors(client):
    made = [client.v1.customers.create(params={"name": f"c{n}"}).id for n in range(5)]
    first = client.v1.customers.list(params={"limit": 2})
    assert [c.id for c in first.data] == made[::-1][:2] and first.has_more
    rest = client.v1.customers.list(params={"limit": 10, "starting_after": first.data[-1].id})
    assert [c.id for c in rest.data] == made[::-1][2:] and not rest.has_more


def test_stripe_account_acts_as_a_connected_account_of_this_platform(stripe_sandbox, client):
    account = client.v1.accounts.create(
        params={"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )
    as_connected = {"stripe_account": account.id}
    made = client.v1.customers.create(params={"name": "direct"}, options=as_connected)
    assert client.v1.customers.list(options=as_connected).data[0].id == made.id
    assert client.v1.customers.list().data == []
    assert client.v1.accounts.retrieve(account.id, options=as_connected).id == account.id
    stranger = stripe_sandbox.client(stripe_sandbox.new_key())
    with pytest.raises(stripe.PermissionError) as refused:
        stranger.v1.customers.list(options=as_connected)
    assert refused.value.http_status == 403


def test_lists_filter_by_created(client):
    made = client.v1.customers.create()
    assert [c.id for c in client.v1.customers.list(params={"created": {"gte": made.created}})] == [
        made.id
    ]
    assert client.v1.customers.list(params={"created": {"gt": made.created}}).data == []


def test_failures_on_demand(stripe_sandbox, key):
    client = stripe_sandbox.client(key, max_network_retries=0)
    stripe_sandbox.fault(key, 500, path="/v1/payment_intents")
    client.v1.customers.list()  # another path: not affected
    with pytest.raises(stripe.APIError) as failed:
        client.v1.payment_intents.list()
    assert failed.value.http_status == 500
    assert client.v1.payment_intents.list().data == []  # once only
    stripe_sandbox.fault(key, 429)
    with pytest.raises(stripe.RateLimitError):
        client.v1.customers.list()
    retrying = stripe_sandbox.client(key, max_network_retries=2)
    stripe_sandbox.fault(key, 503, count=1)
    assert retrying.v1.customers.list().data == []  # stripe-python retried the 503


@pytest.mark.slow
def test_it_runs_as_its_own_program():
    """``python -m sandboxes.stripe --port N``, as ``make demo`` starts it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "sandboxes.stripe", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"stripe sandbox on http://127.0.0.1:{port}"
        client = stripe.StripeClient(
            "sk_test_program", base_addresses={"api": f"http://127.0.0.1:{port}"}
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                assert client.v1.customers.create(params={"name": "x"}).id.startswith("cus_")
                break
            except stripe.APIConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)
