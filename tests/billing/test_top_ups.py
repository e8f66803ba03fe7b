"""Prepaid top-ups through FIB and FastPay (their sandboxes, real HTTP): the customer opens
one over the API, pays at the provider, the provider's notification arrives, and the prepaid
balance grows, once, with a balanced ledger."""

import pytest
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance
from billing.selectors.ledger import ledger_problems
from tests.support.client import assert_error
from tests.support.factories.bookings import party, staff_party
from tests.support.sandboxes import provider_account_configure
from tests.support.wallet import iqd, sandbox_pays

RETURN_URL = "https://talent-test.localhost/wallet"


@pytest.fixture
def wallet_books(talent, fib_sandbox, fastpay_sandbox):
    with tenant_context(talent):
        provider_account_configure("fib", fib_sandbox)
        provider_account_configure("fastpay", fastpay_sandbox)
    return talent


def top_up(customer, *, dinars, provider, key="top-up-0001", **extra):
    return customer.api.post(
        "/api/v1/wallet/top-ups/",
        {"amount_minor": iqd(dinars).amount_minor, "currency": "IQD", "provider": provider,
         "return_url": RETURN_URL, **extra},
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip


def _balance(marketplace, customer):
    with tenant_context(marketplace):
        return prepaid_balance(customer=customer.user, currency="IQD")


@pytest.mark.parametrize("provider", ["fib", "fastpay"])
def test_a_top_up_paid_at_the_provider_grows_the_balance_once(
    wallet_books, fib_sandbox, fastpay_sandbox, provider
):
    customer = party(wallet_books)
    opened = top_up(customer, dinars=25_000, provider=provider)
    assert opened.status_code == 201, opened.content
    payment = opened.json()
    assert (payment["purpose"], payment["state"]) == ("top_up", "pending")
    assert payment["amount_minor"] == 25_000_000 and payment["currency"] == "IQD"
    expected_action = {"fib": "qr", "fastpay": "redirect"}[provider]
    assert payment["next_action"]["type"] == expected_action
    # The same key is the same top-up.
    assert (
        top_up(customer, dinars=25_000, provider=provider).json()["reference"]
        == (payment["reference"])
    )
    assert _balance(wallet_books, customer) == iqd(0)

    sandbox = {"fib": fib_sandbox, "fastpay": fastpay_sandbox}[provider]
    assert sandbox_pays(wallet_books, sandbox, payment["reference"]).state == "paid"
    sandbox_pays(wallet_books, sandbox, payment["reference"])  # delivered again: no effect
    assert _balance(wallet_books, customer) == iqd(25_000)
    listed = customer.api.get("/api/v1/wallet/top-ups/").json()["results"]
    assert [(t["reference"], t["state"]) for t in listed] == [(payment["reference"], "paid")]
    with tenant_context(wallet_books):
        assert ledger_problems() == []


def test_a_top_up_within_the_marketplace_bounds_only(wallet_books):
    staff = staff_party(wallet_books)
    crossed = staff.api.patch("/api/v1/marketplace/", {"top_up_minimum_minor": 10**12 + 1})
    assert_error(crossed, 400)
    upside_down = staff.api.patch(
        "/api/v1/marketplace/", {"top_up_minimum_minor": 9, "top_up_maximum_minor": 8}
    )
    assert "top_up_minimum_minor" in assert_error(upside_down, 400)["details"]
    bounds = {"top_up_minimum_minor": 5_000_000, "top_up_maximum_minor": 500_000_000}
    set_ = staff.api.patch("/api/v1/marketplace/", bounds)
    assert set_.status_code == 200, set_.content
    assert {k: set_.json()["marketplace"][k] for k in bounds} == bounds
    customer = party(wallet_books)
    assert_error(customer.api.patch("/api/v1/marketplace/", bounds), 403)
    low = top_up(customer, dinars=4_000, provider="fib", key="too-little-1")
    assert_error(low, 422, "top_up_out_of_bounds")
    assert low.json()["details"] == {"minimum_minor": 5_000_000, "maximum_minor": 500_000_000}
    assert_error(top_up(customer, dinars=600_000, provider="fib", key="too-much-01"), 422,
                 "top_up_out_of_bounds")  # fmt: skip
    assert top_up(customer, dinars=5_000, provider="fib", key="just-right1").status_code == 201


def test_a_top_up_in_a_currency_or_through_a_provider_the_marketplace_does_not_take(
    wallet_books,
):
    customer = party(wallet_books)
    euros = customer.api.post(
        "/api/v1/wallet/top-ups/",
        {"amount_minor": 1000, "currency": "EUR", "provider": "fib", "return_url": RETURN_URL},
        HTTP_IDEMPOTENCY_KEY="euros-0001",
    )
    assert_error(euros, 422, "currency_not_accepted")
    assert_error(
        customer.api.post("/api/v1/wallet/top-ups/", {"amount_minor": 1000, "currency": "XXQ",
                          "provider": "fib", "return_url": RETURN_URL},
                          HTTP_IDEMPOTENCY_KEY="nonsense-1"),
        400,
    )  # fmt: skip
    with tenant_context(wallet_books):
        from billing.models import ProviderAccount

        account = ProviderAccount.objects.get(code="fastpay")
        account.enabled = False
        account.save()
    assert_error(top_up(customer, dinars=1_000, provider="fastpay"), 422, "provider_not_enabled")
    # FIB takes whole dinars only, refused before any call.
    assert_error(
        customer.api.post("/api/v1/wallet/top-ups/", {"amount_minor": 1_000_500,
                          "currency": "IQD", "provider": "fib", "return_url": RETURN_URL},
                          HTTP_IDEMPOTENCY_KEY="half-dinar"),
        422, "amount_not_whole_dinars",
    )  # fmt: skip


def test_a_top_up_needs_a_key_and_saves_a_method_only_where_the_provider_can(wallet_books):
    customer = party(wallet_books)
    assert_error(top_up(customer, dinars=1_000, provider="fib", key="short"), 400,
                 "idempotency_key_required")  # fmt: skip
    # Neither Iraqi gateway charges a saved method off-session.
    saved = top_up(customer, dinars=1_000, provider="fib", save_method=True)
    assert_error(saved, 422, "off_session_not_supported")
    assert customer.api.get("/api/v1/wallet/top-ups/").json()["results"] == []
