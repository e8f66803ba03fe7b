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
from django_tenants.utils import tenant_context

from billing.credentials import credentials_open
from billing.models import ProviderAccount
from demo.payments import sandbox_provider_configure
from tests.support.client import api
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
