"""A marketplace that takes Stripe payments through the sandbox, as its own platform (a fresh
key per test), and the webhooks the sandbox signs, relayed to the marketplace's endpoint.

The sandbox delivers each event, signed with the endpoint's secret, to a local inbox (the
endpoints are registered there through the API, so the secrets are the ones Stripe answered);
``StripeBooks.relay`` takes a delivery exactly as it came (raw body and ``Stripe-Signature``)
and posts it to the marketplace's webhook URL through the test client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from billing.credentials import credentials_open
from billing.models import ConnectedAccount, LedgerAccount, Payment, ProviderAccount
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from demo.payments import sandbox_provider_configure
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party
from tests.support.factories.catalog import listing_of
from tests.support.stripe_sandbox import RunningStripe, WebhookInbox, wait_for

WEBHOOK = "/api/v1/payments/webhooks/stripe/"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, computed as Stripe does (for forged and stale deliveries)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


class StripeBooks:
    def __init__(self, marketplace, sandbox: RunningStripe, inbox: WebhookInbox, key: str):
        self.marketplace, self.sandbox, self.inbox, self.key = marketplace, sandbox, inbox, key

    def secrets(self) -> dict[str, str]:
        with tenant_context(self.marketplace):
            account = ProviderAccount.objects.get(code="stripe")
            return credentials_open(account.credentials_encrypted)

    def delivery(
        self, type: str, match: Callable[[dict], bool] = lambda event: True
    ) -> tuple[bytes, str, dict[str, Any]]:
        """(raw body, Stripe-Signature, event) of the first delivery of ``type`` that
        ``match``es, waiting for it."""

        def found():
            for body, headers in list(self.inbox.received):
                event = json.loads(body)
                if event["type"] == type and match(event):
                    return body, headers["Stripe-Signature"], event
            return None

        return wait_for(found, what=f"a {type} delivery")

    def post(self, body: bytes, signature: str):
        return api(self.marketplace).post(
            WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )

    def relay(self, type: str, object_id: str = "", capture=None):
        """Post the sandbox's delivery of ``type`` (about ``object_id``) to the marketplace,
        running what it queues when ``capture`` (django_capture_on_commit_callbacks) is given."""
        body, signature, _event = self.delivery(
            type, lambda e: not object_id or e["data"]["object"]["id"] == object_id
        )
        if capture is None:
            return self.post(body, signature)
        with capture(execute=True):
            return self.post(body, signature)


# A fire-performers booking paid through Stripe, step by step (the API as a client uses it).


def onboard(books, provider, capture) -> str:
    """The provider onboards through the API and Stripe's page; account.updated says so."""
    path = "/api/v1/payouts/stripe/onboarding/"
    assert provider.api.post(path).json()["error"] == "idempotency_key_required"
    link = provider.api.post(path, HTTP_IDEMPOTENCY_KEY="onboard-0001")
    assert link.status_code == 201, link.content
    assert link.json()["url"].startswith(books.sandbox.url)
    again = provider.api.post(path, HTTP_IDEMPOTENCY_KEY="onboard-0002")
    assert again.status_code == 201 and again.json()["url"] != link.json()["url"]  # fresh link
    with tenant_context(books.marketplace):
        account = ConnectedAccount.objects.get(user=provider.user)  # created once
    assert provider.api.get(path).json() == {
        "connected": True, "charges_enabled": False, "payouts_enabled": False,
        "details_submitted": False,
    }  # fmt: skip
    books.sandbox.onboard(account.account_ref)
    answer = books.relay("account.updated", account.account_ref, capture)
    assert answer.status_code == 200, answer.content
    assert provider.api.get(path).json()["charges_enabled"] is True
    return account.account_ref


def accepted_booking(fire, provider, listing, days=30):
    customer = party(fire)
    start, end = evening(days=days)
    created = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    accepted = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    return customer, booking_id, end


def pay(books, customer, booking_id, key, capture) -> Payment:
    """The customer opens a payment for what is owed now and pays it on Stripe's page."""
    opened = customer.api.post(
        f"/api/v1/bookings/{booking_id}/payments/",
        {"provider": "stripe", "return_url": "https://fire.localhost/paid"},
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert opened.status_code == 201, opened.content
    assert opened.json()["next_action"]["type"] == "redirect"
    with tenant_context(books.marketplace):
        payment = Payment.objects.get(reference=opened.json()["reference"])
    books.sandbox.outcome(payment.provider_ref, "succeeded")
    answer = books.relay("checkout.session.completed", payment.provider_ref, capture)
    assert answer.status_code == 200, answer.content
    with tenant_context(books.marketplace):
        payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    return payment


def performance(fire, price: int):
    provider, profile = provider_party(fire)
    with tenant_context(fire):
        listing = listing_of("performance", provider=profile, price_minor=price)
    return provider, listing


def stripe_books_for(marketplace, sandbox: RunningStripe, inbox: WebhookInbox) -> StripeBooks:
    """``marketplace`` takes Stripe payments through the sandbox, as a platform of its own."""
    key = sandbox.new_key()
    with tenant_context(marketplace):
        sandbox_provider_configure(code="stripe", url=sandbox.url, secret_key=key,
                                   webhook_url=inbox.url)  # fmt: skip
    return StripeBooks(marketplace, sandbox, inbox, key)


@pytest.fixture
def stripe_books(fire, stripe_sandbox, webhook_inbox):
    """fire takes Stripe payments through the sandbox (a platform of its own for this test);
    the test runs in its schema."""
    key = stripe_sandbox.new_key()
    with tenant_context(fire):
        sandbox_provider_configure(
            code="stripe", url=stripe_sandbox.url, secret_key=key, webhook_url=webhook_inbox.url
        )
        yield StripeBooks(fire, stripe_sandbox, webhook_inbox, key)


# What the Stripe booking tests measure the ledger with.
Kind = LedgerAccount.Kind
PRICE, DEPOSIT, SHARE, FEE = 60_000, 15_000, 55_200, 4_800  # GBP pence; 8 % commission


def gbp(pence: int) -> Money:
    return Money(pence, "GBP")


def balances(fire, provider) -> dict[str, Money]:
    with tenant_context(fire):
        owner = provider.user
        return {
            "pending": ledger_balance(kind=Kind.PROVIDER_PENDING, currency="GBP", owner=owner),
            "available": ledger_balance(kind=Kind.PROVIDER_AVAILABLE, currency="GBP", owner=owner),
            "fees": ledger_balance(kind=Kind.PLATFORM_FEES, currency="GBP"),
            "clearing": ledger_balance(
                kind=Kind.GATEWAY_CLEARING, currency="GBP", provider="stripe"
            ),
        }


def ledger_clean(fire) -> None:
    with tenant_context(fire):
        assert ledger_problems() == []
    call_command("ledger_check", schema=[fire.schema_name])
