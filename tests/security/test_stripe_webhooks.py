"""Stripe webhooks that are not this marketplace's own, signed now by its platform: a tampered
body, a stale or wrong signature, another marketplace's event (signed with that marketplace's
secret) — refused with 401, stored raw, and nothing changes anywhere. Onboarding is the
caller's own, on their own marketplace."""

import time

from django_tenants.utils import tenant_context

from billing.models import ConnectedAccount, LedgerAccount, Payment, PaymentExchange, StripeEvent
from billing.money import Money
from billing.providers.base import PaymentState
from billing.services.payments import Allocation, payment_create
from demo.payments import sandbox_provider_configure
from tests.support.client import api, assert_error
from tests.support.factories.accounts import ProviderUserFactory, UserFactory, api_token_for
from tests.support.factories.bookings import party
from tests.support.stripe_books import StripeBooks, sign
from tests.support.stripe_sandbox import WebhookInbox


def _paid_in_sandbox(books: StripeBooks, key: str) -> Payment:
    with tenant_context(books.marketplace):
        payment = payment_create(
            payer=UserFactory(), subject="test:1", purpose=Payment.Purpose.CHARGE,
            amount=Money(5_000, "GBP"), provider="stripe",
            allocations=[Allocation(LedgerAccount.Kind.PLATFORM_FEES, Money(5_000, "GBP"))],
            idempotency_key=key, return_url="https://example.com/paid",
        )  # fmt: skip
    books.sandbox.outcome(str(payment.provider_ref), "succeeded")
    return payment


def _nothing_changed(marketplace, payment: Payment) -> None:
    with tenant_context(marketplace):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
        assert not StripeEvent.objects.exists()


def test_tampered_stale_and_forged_signatures_are_refused(
    fire, stripe_books, django_capture_on_commit_callbacks
):
    payment = _paid_in_sandbox(stripe_books, "sec-0001")
    body, signature, _event = stripe_books.delivery(
        "checkout.session.completed", lambda e: e["data"]["object"]["id"] == payment.provider_ref
    )
    secret = stripe_books.secrets()["webhook_secret"]
    tampered = body.replace(b'"amount_total": 5000', b'"amount_total": 5')
    assert tampered != body
    for forged_body, forged_signature in (
        (tampered, signature),
        (body, sign(secret, body, int(time.time()) - 301)),
        (body, sign("whsec_guessed", body)),
        (body, ""),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            refused = stripe_books.post(forged_body, forged_signature)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_signature"
    _nothing_changed(fire, payment)
    with tenant_context(fire):
        stored = PaymentExchange.objects.filter(direction="notification")
        assert stored.count() == 4 and not stored.filter(payment__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_books.post(body, signature).status_code == 200
    with tenant_context(fire):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PAID


def test_another_marketplaces_stripe_event_is_refused_here(
    fire, talent, stripe_books, stripe_sandbox, django_capture_on_commit_callbacks
):
    inbox = WebhookInbox()
    try:
        key = stripe_sandbox.new_key()
        with tenant_context(talent):
            sandbox_provider_configure(
                code="stripe", url=stripe_sandbox.url, secret_key=key, webhook_url=inbox.url
            )
        theirs = StripeBooks(talent, stripe_sandbox, inbox, key)
        payment = _paid_in_sandbox(theirs, "sec-0002")
        body, signature, _event = theirs.delivery(
            "checkout.session.completed",
            lambda e: e["data"]["object"]["id"] == payment.provider_ref,
        )
        # Signed with talent's secret, sent to fire's host: fire's secrets do not verify it.
        with django_capture_on_commit_callbacks(execute=True):
            refused = stripe_books.post(body, signature)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_signature"
        # Even signed as fire's own, it names no payment of fire's.
        own = sign(stripe_books.secrets()["webhook_secret"], body)
        with django_capture_on_commit_callbacks(execute=True):
            unknown = stripe_books.post(body, own)
        assert unknown.status_code == 404 and unknown.json()["error"] == "payment_not_found"
        _nothing_changed(talent, payment)
        with tenant_context(fire):
            assert not StripeEvent.objects.exists()
            assert not Payment.objects.filter(provider_ref=payment.provider_ref).exists()
    finally:
        inbox.stop()


def test_onboarding_is_the_callers_own_in_their_own_marketplace(
    fire, talent, stripe_books, django_capture_on_commit_callbacks
):
    path = "/api/v1/payouts/stripe/onboarding/"
    theirs = party(talent, ProviderUserFactory)
    with tenant_context(talent):
        token = api_token_for(theirs.user)
    # talent's provider's token means nothing on fire's host.
    replayed = api(fire, token=token).post(path, HTTP_IDEMPOTENCY_KEY="onboard-x-01")
    assert replayed.status_code == 401
    # talent takes no Stripe payments, so its providers have nothing to onboard with.
    assert_error(theirs.api.post(path, HTTP_IDEMPOTENCY_KEY="onboard-x-02"), 422,
                 "provider_not_enabled")  # fmt: skip
    # A customer is not a provider; one provider's account is not another's.
    assert_error(party(fire).api.post(path, HTTP_IDEMPOTENCY_KEY="onboard-x-03"), 403,
                 "wrong_actor")  # fmt: skip
    mine, other = party(fire, ProviderUserFactory), party(fire, ProviderUserFactory)
    assert mine.api.post(path, HTTP_IDEMPOTENCY_KEY="onboard-x-04").status_code == 201
    assert other.api.get(path).json()["connected"] is False
    with tenant_context(fire):
        assert ConnectedAccount.objects.get().user_id == mine.user.pk
