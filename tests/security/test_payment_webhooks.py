"""A provider's callback for one marketplace's payment, sent to another marketplace's host,
finds nothing there and changes nothing anywhere."""

import json

from django_tenants.utils import tenant_context

from billing.models import Payment, PaymentExchange
from billing.providers.base import PaymentState
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.sandboxes import fib_payment as _pay
from tests.support.sandboxes import provider_account_configure


def test_another_marketplaces_payment_is_unknown_here(talent, fire, fib_books, fib_sandbox):
    payment = _pay(UserFactory(), UserFactory(role="provider"), key="cross-1")
    fib_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    body = json.dumps({"id": payment.provider_ref, "status": "PAID"})
    fire_host = api(fire)
    # fire does not take FIB payments: its webhook does not exist.
    assert (
        fire_host.post(
            "/api/v1/payments/webhooks/fib/", body, content_type="application/json"
        ).status_code
        == 404
    )
    with tenant_context(fire):
        provider_account_configure("fib", fib_sandbox)
    refused = fire_host.post(
        "/api/v1/payments/webhooks/fib/", body, content_type="application/json"
    )
    assert refused.status_code == 404 and refused.json()["error"] == "payment_not_found"
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
        assert not PaymentExchange.objects.filter(direction="notification").exists()
