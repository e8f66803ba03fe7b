"""FIB's callbacks at /api/v1/payments/webhooks/fib/: unsigned, so each one only makes billing
ask FIB (the sandbox, over HTTP) where the payment stands. Replays and forgeries change nothing."""

import json

import pytest
from django_tenants.utils import tenant_context

from billing.models import LedgerTransaction, Payment, PaymentExchange
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_problems
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.sandboxes import fib_payment as _pay

WEBHOOK = "/api/v1/payments/webhooks/fib/"


def _callback(marketplace, payload):
    client = api(marketplace)
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(WEBHOOK, data=body, content_type="application/json")


@pytest.fixture
def paid_at_fib(fib_books, fib_sandbox):
    payment = _pay(UserFactory(), UserFactory(role="provider"), key="hook-1")
    fib_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    return payment


def test_fibs_callback_settles_the_payment_once(
    talent, paid_at_fib, django_capture_on_commit_callbacks
):
    for _ in range(3):  # FIB retries; a replay changes nothing
        with django_capture_on_commit_callbacks(execute=True):
            answer = _callback(talent, {"id": paid_at_fib.provider_ref, "status": "PAID"})
        assert answer.status_code == 202
    with tenant_context(talent):
        assert Payment.objects.get(pk=paid_at_fib.pk).state == PaymentState.PAID
        assert (
            LedgerTransaction.objects.filter(reference=f"payment:{paid_at_fib.reference}").count()
            == 1
        )
        assert (
            PaymentExchange.objects.filter(payment=paid_at_fib, direction="notification").count()
            == 3
        )
        assert ledger_problems() == []


def test_a_forged_paid_callback_moves_nothing(
    talent, fib_books, django_capture_on_commit_callbacks
):
    payment = _pay(UserFactory(), UserFactory(role="provider"), key="hook-forged")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _callback(talent, {"id": payment.provider_ref, "status": "PAID"})
    assert answer.status_code == 202  # acknowledged, then FIB says UNPAID
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PENDING
        assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize(
    "payload, status, code",
    [
        (
            {"id": "00000000-0000-0000-0000-000000000000", "status": "PAID"},
            404,
            "payment_not_found",
        ),
        (b"not json", 400, "invalid_notification"),
        ({"status": "PAID"}, 400, "invalid_notification"),
    ],
)
def test_unknown_or_malformed_callbacks_are_refused(talent, fib_books, payload, status, code):
    answer = _callback(talent, payload)
    assert answer.status_code == status and answer.json()["error"] == code
    with tenant_context(talent):
        assert not LedgerTransaction.objects.exists()
        assert PaymentExchange.objects.filter(direction="notification").count() == 1  # kept raw
