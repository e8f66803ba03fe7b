"""Wallet helpers: a marketplace made to take IQD through the FIB and FastPay sandboxes, and a
payment settled the way each provider settles it (the sandbox's outcome hook, then the
provider's notification delivered to the marketplace's webhook, its tasks run)."""

from __future__ import annotations

import json

from django.test import TestCase
from django_tenants.utils import tenant_context

from billing.models import Payment
from billing.money import Money
from tests.support.client import api
from tests.support.sandboxes import RunningSandbox, provider_account_configure


def iqd(dinars: int) -> Money:
    return Money(dinars * 1000, "IQD")


def iqd_marketplace(marketplace, fib: RunningSandbox, fastpay: RunningSandbox, **fields):
    """``marketplace`` (made in the test, before any request to it) takes IQD through both
    sandboxes; ``fields`` set more of its settings."""
    marketplace.default_currency = "IQD"
    marketplace.accepted_currencies = ["IQD"]
    marketplace.payment_providers = ["fib", "fastpay"]
    marketplace.minimum_fee_minor = 0
    for name, value in fields.items():
        setattr(marketplace, name, value)
    marketplace.save()
    with tenant_context(marketplace):
        provider_account_configure("fib", fib)
        provider_account_configure("fastpay", fastpay)
    return marketplace


def _payment(marketplace, reference: str) -> Payment:
    with tenant_context(marketplace):
        return Payment.objects.get(reference=reference)


def sandbox_pays(marketplace, sandbox: RunningSandbox, reference: str):
    """The payer pays ``reference`` at the provider; its notification reaches the webhook."""
    payment = _payment(marketplace, reference)
    sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    if payment.provider == "fib":
        body = {"id": payment.provider_ref, "status": "PAID"}
    else:
        dinars = Money(payment.amount_minor, "IQD").to_major()
        body = {"merchant_order_id": payment.provider_ref, "status": "Success",
                "received_amount": f"{dinars:.2f}"}  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = api(marketplace).post(
            f"/api/v1/payments/webhooks/{payment.provider}/",
            json.dumps(body),
            content_type="application/json",
        )
    assert answer.status_code in (200, 202), answer.content
    return _payment(marketplace, reference)
