"""The Stripe sandbox's fidelity, checked against something outside the project: localstripe
(PyPI, GPL-3.0), run as a separate process and only spoken to over HTTP (never imported).

The same stripe-python calls (the ones the driver makes that localstripe serves: customers,
payment methods, payment intents, refunds) run against both; the statuses they go through must
be the same, and the objects must have the same keys with the same kinds of values, apart from
the differences listed below, each one localstripe's own simplification or its older API
version.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import stripe

pytestmark = pytest.mark.slow

# The keys the driver reads, which both must have with the same kind of value.
CORE = {
    "customer": {
        "id",
        "object",
        "email",
        "name",
        "metadata",
        "livemode",
        "created",
        "invoice_settings",
    },
    "payment_method": {
        "id",
        "object",
        "type",
        "card",
        "customer",
        "metadata",
        "created",
        "billing_details",
        "livemode",
    },
    "card": {"brand", "last4", "exp_month", "exp_year", "country", "funding", "fingerprint"},
    "payment_intent": {
        "id",
        "object",
        "amount",
        "currency",
        "customer",
        "status",
        "payment_method",
        "latest_charge",
        "last_payment_error",
        "metadata",
        "client_secret",
        "capture_method",
        "next_action",
        "livemode",
    },
    "charge": {
        "id",
        "object",
        "amount",
        "amount_refunded",
        "currency",
        "customer",
        "status",
        "paid",
        "captured",
        "refunded",
        "payment_intent",
        "payment_method",
        "failure_code",
        "failure_message",
        "balance_transaction",
        "metadata",
    },
    "refund": {
        "id",
        "object",
        "amount",
        "charge",
        "currency",
        "payment_intent",
        "status",
        "metadata",
        "balance_transaction",
        "created",
    },
}
# Keys only localstripe has: it follows an older API version, with PaymentIntent.charges
# (removed in 2022-11-15), PaymentIntent.invoice and Charge.invoice, Charge.refunds embedded,
# Refund.date and Customer.account_balance/business_vat_id/sources/subscriptions/tax_ids (all
# gone from today's default shapes). Keys only the sandbox has are today's fields localstripe
# leaves out (Charge.outcome, payment_method_details, PaymentIntent.amount_received,
# transfer_group, …), served as Stripe serves them.
ONLY_LOCALSTRIPE = {
    "customer": {"account_balance", "business_vat_id", "sources", "subscriptions", "tax_ids"},
    "payment_method": set(),
    "payment_intent": {"charges", "invoice"},
    "charge": {"invoice", "refunds"},
    "refund": {"date"},
    "card": set(),
}
# Values of a different kind on a shared key, each localstripe's simplification:
KIND_DIFFERENCES = {
    # localstripe always embeds the latest charge; Stripe (and the sandbox) give its id unless
    # expand[]=latest_charge is asked for.
    ("payment_intent", "latest_charge"),
    # localstripe answers null where Stripe gives today's preferred_locales list ([]).
    ("customer", "preferred_locales"),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory):
    program = Path(sys.executable).with_name("localstripe")
    command = str(program) if program.exists() else shutil.which("localstripe")
    assert command, "localstripe is in the dev extra: pip install -e '.[dev]'"
    port = _free_port()
    process = subprocess.Popen(
        [command, "--port", str(port), "--from-scratch"],
        cwd=tmp_path_factory.mktemp("localstripe"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert process.poll() is None, "localstripe exited at start"
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("localstripe did not start within 30 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _error(call) -> dict[str, Any]:
    try:
        call()
    except stripe.StripeError as error:
        return {
            "status": error.http_status,
            "code": error.code,
            "class": type(error).__name__,
            "body": error.json_body or {},
        }
    raise AssertionError("no error")


def journey(url: str, key: str) -> dict[str, Any]:
    """The driver's calls that localstripe serves, in order; what each answered."""
    client = stripe.StripeClient(key, base_addresses={"api": url}, max_network_retries=0)
    seen: dict[str, Any] = {}
    customer = client.v1.customers.create(params={"email": "payer@example.com", "name": "P"})
    seen["customer"] = customer.to_dict()
    card = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    seen["payment_method"] = card.to_dict()
    made = client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": card.id,
            "metadata": {"merchant_ref": "pay_1"},
        }
    )
    seen["created"] = made.to_dict()
    confirmed = client.v1.payment_intents.confirm(made.id)
    retrieved = client.v1.payment_intents.retrieve(made.id)
    seen["payment_intent"] = retrieved.to_dict()
    latest: Any = retrieved.latest_charge  # localstripe embeds the charge (see KIND_DIFFERENCES)
    charge_id = latest if isinstance(latest, str) else latest.id
    part = client.v1.refunds.create(params={"payment_intent": made.id, "amount": 500})
    rest = client.v1.refunds.create(params={"payment_intent": made.id, "amount": 1500})
    seen["refund"] = part.to_dict()
    seen["charge"] = client.v1.charges.retrieve(charge_id).to_dict()
    failing = client.v1.payment_methods.attach(
        "pm_card_chargeCustomerFail", params={"customer": customer.id}
    )
    seen["declined"] = _error(
        lambda: client.v1.payment_intents.create(
            params={
                "amount": 2000,
                "currency": "usd",
                "customer": customer.id,
                "payment_method": failing.id,
                "confirm": True,
            }
        )
    )
    seen["declined_on_attach"] = _error(
        lambda: client.v1.payment_methods.attach(
            "pm_card_visa_chargeDeclined", params={"customer": customer.id}
        )
    )
    listed = client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    seen["listed"] = sorted(pm.to_dict()["card"]["last4"] for pm in listed.data)
    dropped = client.v1.payment_intents.create(params={"amount": 900, "currency": "usd"})
    seen["statuses"] = [
        made.status,
        confirmed.status,
        retrieved.status,
        part.status,
        rest.status,
        dropped.status,
        client.v1.payment_intents.cancel(dropped.id).status,
    ]
    seen["missing"] = _error(lambda: client.v1.customers.retrieve("cus_doesnotexist"))
    seen["bad_key"] = _error(
        lambda: stripe.StripeClient(
            "not_a_key", base_addresses={"api": url}, max_network_retries=0
        ).v1.customers.list()
    )
    return seen


def _kinds(obj: dict[str, Any]) -> dict[str, str]:
    return {key: type(value).__name__ for key, value in obj.items()}


def _compare(kind: str, ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    problems = [f"{kind}: we lack {key}" for key in sorted(CORE[kind] - set(ours))]
    problems += [f"{kind}: localstripe lacks {key}" for key in sorted(CORE[kind] - set(theirs))]
    problems += [
        f"{kind}: we lack {key} (localstripe has it)"
        for key in sorted(set(theirs) - set(ours) - ONLY_LOCALSTRIPE[kind])
    ]
    mine, other = _kinds(ours), _kinds(theirs)
    for key in sorted(set(mine) & set(other)):
        nulls = "NoneType" in (mine[key], other[key])
        # an optional field one side leaves null is no difference (localstripe's Customer.currency)
        optional_null = nulls and key not in CORE[kind]
        if mine[key] != other[key] and (kind, key) not in KIND_DIFFERENCES and not optional_null:
            problems.append(f"{kind}.{key}: ours {mine[key]}, localstripe {other[key]}")
    return problems


def test_the_sandbox_answers_as_localstripe_does(localstripe, stripe_sandbox):
    theirs = journey(localstripe, "sk_test_crosscheck")
    ours = journey(stripe_sandbox.url, stripe_sandbox.new_key())

    assert (
        ours["statuses"]
        == theirs["statuses"]
        == [
            "requires_confirmation",
            "succeeded",
            "succeeded",
            "succeeded",
            "succeeded",
            "requires_payment_method",
            "canceled",
        ]
    )
    problems: list[str] = []
    for kind in ("customer", "payment_method", "payment_intent", "charge", "refund"):
        problems += _compare(kind, ours[kind], theirs[kind])
    problems += _compare("card", ours["payment_method"]["card"], theirs["payment_method"]["card"])
    problems += _compare("payment_intent", ours["created"], theirs["created"])
    assert problems == []

    for seen in (ours, theirs):
        assert (seen["charge"]["amount_refunded"], seen["charge"]["refunded"]) == (2000, True)
        assert seen["payment_intent"]["metadata"] == {"merchant_ref": "pay_1"}
        assert seen["listed"] == ["0341", "4242"]
        for refused in ("declined", "declined_on_attach"):
            assert (seen[refused]["status"], seen[refused]["code"]) == (402, "card_declined")
            assert seen[refused]["class"] == "CardError"
        assert seen["declined"]["body"]["error"]["charge"].startswith("ch_")
        assert (seen["missing"]["status"], seen["bad_key"]["status"]) == (404, 401)
    # Where localstripe simplifies, the sandbox follows Stripe: a card error's type is
    # card_error (localstripe: invalid_request_error) and carries decline_code and the
    # payment_intent (localstripe: neither); a missing object's code is resource_missing
    # (localstripe: none).
    declined = ours["declined"]["body"]["error"]
    assert (declined["type"], declined["decline_code"]) == ("card_error", "generic_decline")
    assert declined["payment_intent"]["status"] == "requires_payment_method"
    assert ours["missing"]["code"] == "resource_missing"
