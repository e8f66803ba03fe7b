"""FIB through the real driver over HTTP against the FIB sandbox: a payment is created with
its QR code and app links, moves only on FIB's own status, posts the ledger once, and refuses
what does not match."""

import pytest

from billing.hooks import payment_settled_register
from billing.models import LedgerAccount, Payment, PaymentExchange, ProviderAccount
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from billing.services.payments import Allocation, payment_create, payment_refresh
from config.errors import BusinessRuleViolation, StateConflict
from tests.support.factories.accounts import UserFactory
from tests.support.sandboxes import fib_payment as _pay
from tests.support.sandboxes import iqd

Kind = LedgerAccount.Kind


def test_a_fib_payment_is_paid_on_fibs_word_and_posts_the_ledger_once(fib_books, fib_sandbox):
    customer, provider = UserFactory(), UserFactory(role="provider")
    payment = _pay(customer, provider)
    assert payment.state == PaymentState.PENDING and payment.provider_ref
    action = payment.next_action
    assert action["type"] == "qr" and action["qr_image"].startswith("data:image/png;base64,")
    assert len(action["readable_code"]) == 12 and set(action["app_links"]) == {
        "personal", "business", "corporate",
    }  # fmt: skip
    assert _pay(customer, provider) == payment  # the same key: the same payment
    with pytest.raises(StateConflict):
        _pay(customer, provider, dinars=30_000)

    assert payment_refresh(payment=payment).state == PaymentState.PENDING  # not paid yet
    fib_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    paid = payment_refresh(payment=payment)
    assert paid.state == PaymentState.PAID and paid.paid_at
    assert payment_refresh(payment=paid).state == PaymentState.PAID  # applied once
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fib") == iqd(25_000)
    assert ledger_balance(kind=Kind.PROVIDER_PENDING, currency="IQD", owner=provider) == iqd(23_000)
    assert ledger_balance(kind=Kind.PLATFORM_FEES, currency="IQD") == iqd(2_000)
    assert ledger_problems() == []
    directions = list(paid.exchanges.values_list("direction", flat=True))
    assert directions[:2] == ["request", "response"] and "status" in directions


def test_the_subjects_app_is_told_inside_the_same_transaction(fib_books, fib_sandbox):
    told = []
    payment_settled_register("test", lambda payment: told.append(payment.reference))
    payment = _pay(UserFactory(), UserFactory(role="provider"), key="key-told")
    fib_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "callback": False},
    )
    payment_refresh(payment=payment)
    payment_refresh(payment=Payment.objects.get(pk=payment.pk))
    assert told == [payment.reference]


def test_a_wrong_amount_moves_nothing(fib_books, fib_sandbox):
    payment = _pay(UserFactory(), UserFactory(role="provider"), key="key-short")
    fib_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": "paid", "amount": 24_999, "callback": False},
    )
    refreshed = payment_refresh(payment=payment)
    assert refreshed.state == PaymentState.PENDING and refreshed.failure_code == "amount_mismatch"
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fib") == iqd(0)


@pytest.mark.parametrize("outcome, state", [("expired", "expired"), ("cancelled", "cancelled"),
                                            ("declined", "failed")])  # fmt: skip
def test_declined_payments_end_without_money(fib_books, fib_sandbox, outcome, state):
    payment = _pay(UserFactory(), UserFactory(role="provider"), key=f"key-{outcome}")
    fib_sandbox.hook(
        f"/__sandbox/payments/{payment.provider_ref}/outcome",
        {"outcome": outcome, "callback": False},
    )
    assert payment_refresh(payment=payment).state == state
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fib") == iqd(0)


def test_fils_that_are_not_whole_dinars_are_refused_before_any_call(fib_books):
    customer = UserFactory()
    with pytest.raises(BusinessRuleViolation) as refused:
        payment_create(
            payer=customer, subject="test:2", purpose=Payment.Purpose.CHARGE,
            amount=Money(1_500, "IQD"), provider="fib",
            allocations=[Allocation(Kind.PLATFORM_FEES, Money(1_500, "IQD"))],
            idempotency_key="key-fils", return_url="https://talent-test.localhost/return",
        )  # fmt: skip
    assert refused.value.code == "amount_not_whole_dinars"
    payment = Payment.objects.get(idempotency_key="key-fils")
    assert payment.state == "failed" and payment.provider_ref is None
    assert not payment.exchanges.filter(direction=PaymentExchange.Direction.RESPONSE).exists()


def test_credentials_are_encrypted_at_rest_and_another_provider_is_refused(fib_books):
    sealed = ProviderAccount.objects.get(code="fib").credentials_encrypted
    assert "sandbox-secret" not in sealed and "souk-sandbox" not in sealed
    with pytest.raises(BusinessRuleViolation) as refused:
        payment_create(
            payer=UserFactory(), subject="test:3", purpose=Payment.Purpose.CHARGE,
            amount=iqd(1), provider="nasswallet",
            allocations=[Allocation(Kind.PLATFORM_FEES, iqd(1))],
            idempotency_key="key-nass", return_url="https://talent-test.localhost/return",
        )  # fmt: skip
    assert refused.value.code == "provider_not_enabled"
