"""Prepaid balances: the calls the bookings engine makes on a customer's prepaid money.

Per-minute sessions check the balance before each minute and charge each started minute.
A balance is the customer's ``customer_balance`` ledger account: a credit posts a top-up from
the provider's clearing account, a charge posts a per-minute debit split between the provider's
pending earnings and the platform's fee, each one balanced transaction.
"""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from billing.models import LedgerAccount, LedgerTransaction
from billing.money import Money
from billing.selectors.ledger import ledger_balance, ledger_balances_of
from billing.services.auto_reload import auto_reload_after_charge
from billing.services.ledger import credit, debit, ledger_account, ledger_post
from config.errors import InvalidInput

Kind = LedgerAccount.Kind
# Money received outside a payment provider (a staff credit, the demo's opening balances).
MANUAL = "manual"


def prepaid_balance(*, customer, currency: str) -> Money:
    return ledger_balance(kind=Kind.CUSTOMER_BALANCE, currency=currency, owner=customer)


def prepaid_balances(*, customer) -> list[Money]:
    """Every currency the customer holds a balance in, by currency code."""
    return ledger_balances_of(owner=customer, kind=Kind.CUSTOMER_BALANCE)


def prepaid_balance_credit(
    *, customer, amount: Money, provider: str = MANUAL, reference: str | None = None
) -> Money:
    """Add money to the balance (a top-up received through ``provider``); the same
    ``reference`` credits once."""
    if amount.amount_minor <= 0:
        raise InvalidInput(_("A credit must be positive."), code="invalid_amount")
    ledger_post(
        kind=LedgerTransaction.Kind.TOP_UP,
        reference=reference or f"top-up:{uuid.uuid4().hex}",
        lines=[
            debit(
                ledger_account(
                    kind=Kind.GATEWAY_CLEARING, currency=amount.currency, provider=provider
                ),  # fmt: skip
                amount,
            ),
            credit(
                ledger_account(
                    kind=Kind.CUSTOMER_BALANCE, currency=amount.currency, owner=customer
                ),  # fmt: skip
                amount,
            ),
        ],
    )
    return prepaid_balance(customer=customer, currency=amount.currency)


def prepaid_balance_charge(
    *,
    customer,
    amount: Money,
    payee,
    fee: Money,
    reference: str,
    memo: str = "",
    kind: str = LedgerTransaction.Kind.MINUTE_DEBIT,
) -> Money:
    """Take ``amount`` from the balance, all or nothing (422 ``insufficient_balance`` when it
    does not cover it): ``fee`` to the platform, the rest to ``payee``'s pending earnings, one
    transaction of ``kind`` (a per-minute debit unless told, e.g. a gift). The
    same ``reference`` charges once. A charge that takes the balance under the customer's
    auto-reload threshold queues the reload (billing.services.auto_reload)."""
    if amount.amount_minor <= 0:
        raise InvalidInput(_("A charge must be positive."), code="invalid_amount")
    if not Money.zero(amount.currency) <= fee <= amount:
        raise InvalidInput(_("The fee must be between nothing and the charge."), code="invalid")
    currency = amount.currency
    lines = [
        debit(ledger_account(kind=Kind.CUSTOMER_BALANCE, currency=currency, owner=customer), amount)
    ]
    if fee.amount_minor:
        lines.append(credit(ledger_account(kind=Kind.PLATFORM_FEES, currency=currency), fee))
    if (amount - fee).amount_minor:
        pending = ledger_account(kind=Kind.PROVIDER_PENDING, currency=currency, owner=payee)
        lines.append(credit(pending, amount - fee))
    posted = ledger_post(kind=kind, reference=reference, lines=lines, memo=memo)
    after = prepaid_balance(customer=customer, currency=currency)
    # Under the customer's auto-reload threshold now: a reload is queued after the commit.
    auto_reload_after_charge(customer=customer, after=after, charged=amount, crossing=posted.pk)
    return after
