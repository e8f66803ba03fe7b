"""A thousand provider notifications, duplicated, shuffled and mixed with forged claims,
across FIB, FastPay, NassWallet and areeba: every payment ends in the state its provider gave
it, each paid one is posted once, and the books balance."""

import json
import random

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, LedgerTransaction, Payment, PaymentExchange
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from billing.services.payments import Allocation, payment_create
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.sandboxes import provider_account_configure

Kind = LedgerAccount.Kind
PAYMENTS_PER_PROVIDER = 40
DELIVERIES = 1000
# What the test decides at each provider, and the state billing must reach.
OUTCOMES = {
    "fib": [("paid", PaymentState.PAID), ("declined", PaymentState.FAILED),
            ("expired", PaymentState.EXPIRED), (None, PaymentState.PENDING)],
    "fastpay": [("paid", PaymentState.PAID), ("failed", PaymentState.FAILED),
                ("cancelled", PaymentState.CANCELLED), (None, PaymentState.PENDING)],
    "nasswallet": [("paid", PaymentState.PAID), ("declined", PaymentState.FAILED),
                   ("expired", PaymentState.EXPIRED), (None, PaymentState.PENDING)],
    "areeba": [("paid", PaymentState.PAID), ("declined", PaymentState.FAILED),
               ("cancelled", PaymentState.CANCELLED), (None, PaymentState.PENDING)],
}  # fmt: skip
AREEBA_SECRET = {"X-Notification-Secret": "sandbox-notification-secret"}


def _notification(provider: str, payment: Payment, claimed: str) -> dict:
    """What ``provider`` sends, claiming ``claimed`` (PAID, DECLINED… in each one's words)."""
    paid = claimed in ("PAID", "Success")
    if provider == "fib":
        return {"id": payment.provider_ref, "status": claimed}
    if provider == "nasswallet":
        return {"data": {"orderId": payment.reference, "amount": str(payment.amount_minor // 1000),
                         "InitTransactionId": payment.provider_ref,
                         "transactionStatus": 0 if paid else 1}}  # fmt: skip
    if provider == "areeba":
        return {"order": {"id": payment.provider_ref, "status": "CAPTURED" if paid else claimed}}
    return {"merchant_order_id": payment.provider_ref, "status": claimed}


@pytest.mark.slow
def test_a_thousand_shuffled_duplicated_notifications_change_each_payment_once(
    talent, iraqi_sandboxes, django_capture_on_commit_callbacks
):
    rng = random.Random(20261206)
    sandboxes = iraqi_sandboxes
    expected: dict[int, PaymentState] = {}
    payments: list[tuple[str, Payment]] = []
    with tenant_context(talent):
        for code, sandbox in sandboxes.items():
            provider_account_configure(code, sandbox)
        reader = UserFactory(role="provider")
        for code, sandbox in sandboxes.items():
            for index in range(PAYMENTS_PER_PROVIDER):
                amount = Money(rng.randrange(1, 500) * 1000, "IQD")
                fee = Money(amount.amount_minor // 10 // 1000 * 1000, "IQD")
                parts = [Allocation(Kind.PROVIDER_PENDING, amount - fee, owner_id=reader.pk)]
                if fee.amount_minor:
                    parts.append(Allocation(Kind.PLATFORM_FEES, fee))
                payment = payment_create(
                    payer=UserFactory(), subject=f"storm:{code}:{index}",
                    purpose=Payment.Purpose.CHARGE, amount=amount, provider=code,
                    allocations=parts, idempotency_key=f"storm-{code}-{index}",
                    return_url="https://talent-test.localhost/paid",
                )  # fmt: skip
                outcome, state = OUTCOMES[code][index % 4]
                if outcome:
                    sandbox.hook(
                        f"/__sandbox/payments/{payment.provider_ref}/outcome",
                        {"outcome": outcome, "callback": False, "notify": False},
                    )
                expected[payment.pk] = state
                payments.append((code, payment))

    # Each payment is announced several times, claiming paid or its real outcome, in any order.
    deliveries = [rng.choice(payments) for _ in range(DELIVERIES)]
    rng.shuffle(deliveries)
    client = api(talent)
    for code, payment in deliveries:
        claimed = rng.choice(["PAID", "Success", "DECLINED", "Failed", "UNPAID"])
        body = json.dumps(_notification(code, payment, claimed))
        headers = AREEBA_SECRET if code == "areeba" else {}
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(f"/api/v1/payments/webhooks/{code}/", body,
                                 content_type="application/json", headers=headers)  # fmt: skip
        assert answer.status_code in (200, 202), answer.content

    with tenant_context(talent):
        reached = dict(Payment.objects.filter(pk__in=expected).values_list("pk", "state"))
        # A payment never announced stays pending; every announced one reached its outcome.
        announced = {payment.pk for _, payment in deliveries}
        for pk, state in expected.items():
            assert reached[pk] == (state if pk in announced else PaymentState.PENDING), pk
        paid = [pk for pk in announced if expected[pk] == PaymentState.PAID]
        assert LedgerTransaction.objects.filter(kind="charge").count() == len(paid)
        assert PaymentExchange.objects.filter(direction="notification").count() == DELIVERIES
        cleared = sum(p.amount_minor for _, p in payments if p.pk in paid and p.provider == "fib")
        assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency="IQD", provider="fib") == Money(
            cleared, "IQD"
        )
        assert ledger_problems() == []
    call_command("ledger_check", schema=[talent.schema_name], verbosity=0)
