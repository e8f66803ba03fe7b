"""FastPay through the real driver over HTTP against the FastPay sandbox: a redirect, the
200-with-error envelope, an IPN only on success (failures found by reconciliation), partial
refunds."""

import json

import pytest
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, Payment
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from billing.services.payments import Allocation, payment_create, payment_refresh
from billing.services.refunds import subject_refund
from billing.tasks import payments_reconcile
from config.errors import BusinessRuleViolation
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.sandboxes import provider_account_configure

Kind = LedgerAccount.Kind


@pytest.fixture
def fastpay_books(talent, fastpay_sandbox):
    with tenant_context(talent):
        provider_account_configure("fastpay", fastpay_sandbox)
        yield talent


def iqd(dinars: int) -> Money:
    return Money(dinars * 1000, "IQD")


def _pay(key: str, dinars: int = 30_000, fee: int = 3_000) -> Payment:
    provider = UserFactory(role="provider")
    return payment_create(
        payer=UserFactory(), subject=f"fastpay-test:{key}", purpose=Payment.Purpose.CHARGE,
        amount=iqd(dinars), provider="fastpay",
        allocations=[Allocation(Kind.PROVIDER_PENDING, iqd(dinars - fee), owner_id=provider.pk),
                     Allocation(Kind.PLATFORM_FEES, iqd(fee))],
        idempotency_key=key, return_url="https://talent-test.localhost/paid", description="Photos",
    )  # fmt: skip


def test_a_fastpay_ipn_settles_the_payment_once(
    talent, fastpay_books, fastpay_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("fp-1")
    assert payment.provider_ref == payment.reference.replace("_", "")
    assert payment.next_action["type"] == "redirect" and "/pay?token=" in payment.next_action["url"]
    assert (
        payment_refresh(payment=payment).state == PaymentState.PENDING
    )  # validate: 404 inside 200
    fastpay_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    ipn = {
        "merchant_order_id": payment.provider_ref,
        "status": "Success",
        "received_amount": "30000.00",
    }
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answer = api(talent).post(
                "/api/v1/payments/webhooks/fastpay/",
                json.dumps(ipn),
                content_type="application/json",
            )
        assert answer.status_code == 200 and answer.content == b"OK"
    with tenant_context(talent):
        assert Payment.objects.get(pk=payment.pk).state == PaymentState.PAID
        assert ledger_balance(
            kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fastpay"
        ) == iqd(30_000)
        assert ledger_problems() == []


def test_a_failure_sends_nothing_and_reconciliation_finds_it(
    talent, fastpay_books, fastpay_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("fp-2")
    fastpay_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome", {"outcome": "failed"}
    )
    assert fastpay_sandbox.sandbox.callbacks_sent == [] or all(
        body.get("merchant_order_id") != payment.provider_ref
        for _, body in fastpay_sandbox.sandbox.callbacks_sent
    )
    Payment.objects.filter(pk=payment.pk).update(updated_at=payment.updated_at.replace(year=2020))
    # Eager in tests, in this schema. Not a task waiting on a task: Celery's process-wide "a
    # join would block" flag can be left set by eager tasks run at once from many threads
    # (tests/bookings/test_concurrency.py, earlier in the same worker), so it is not asked.
    assert payments_reconcile.delay().get(disable_sync_subtasks=False) == 1
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.FAILED


def test_a_paid_amount_that_differs_moves_nothing(fastpay_books, fastpay_sandbox):
    payment = _pay("fp-3")
    fastpay_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "amount": "29999.00", "callback": False},
    )
    assert payment_refresh(payment=payment).failure_code == "amount_mismatch"
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fastpay") == iqd(0)


def test_fastpay_refunds_part_of_a_payment(
    fastpay_books, fastpay_sandbox, django_capture_on_commit_callbacks
):
    payment = _pay("fp-4")
    fastpay_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    payment_refresh(payment=payment)
    with django_capture_on_commit_callbacks(execute=True):
        subject_refund(subject=payment.subject, amount=iqd(10_000), reference="fp-4-partial")
    payment.refresh_from_db()
    assert (
        payment.state == PaymentState.PARTIALLY_REFUNDED
        and payment.refunded_minor == iqd(10_000).amount_minor
    )
    assert payment.failure_code == ""  # FastPay took the partial refund
    assert fastpay_sandbox.sandbox.orders[payment.provider_ref]["refunded"] == 10_000
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fastpay") == iqd(
        20_000
    )
    assert ledger_problems() == []


def test_wrong_store_credentials_are_fastpays_error_inside_a_200(fastpay_books):
    from billing.credentials import credentials_seal
    from billing.models import ProviderAccount

    account = ProviderAccount.objects.get(code="fastpay")
    account.credentials_encrypted = credentials_seal(
        {"store_id": "souk-sandbox-store", "store_password": "wrong"}
    )
    account.save()
    with pytest.raises(BusinessRuleViolation) as refused:
        _pay("fp-5")
    assert refused.value.code == "fastpay_422"
    assert Payment.objects.get(idempotency_key="fp-5").state == PaymentState.FAILED
