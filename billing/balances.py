"""Prepaid balances: the calls the bookings engine makes on a customer's prepaid money.

Per-minute sessions check the balance before each minute and charge each started minute.
The billing issue backs these calls with the double-entry ledger; their contract stays.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from billing.models import PrepaidBalance
from billing.money import Money
from config.errors import BusinessRuleViolation, InvalidInput


def prepaid_balance(*, customer, currency: str) -> Money:
    amount = (
        PrepaidBalance.objects.filter(customer=customer, currency=currency)
        .values_list("amount_minor", flat=True)
        .first()
    )
    return Money(amount or 0, currency)


def prepaid_balances(*, customer) -> list[Money]:
    """Every currency the customer holds a balance in, by currency code."""
    rows = PrepaidBalance.objects.filter(customer=customer).order_by("currency")
    return [Money(row.amount_minor, row.currency) for row in rows]


def prepaid_balance_credit(*, customer, amount: Money) -> Money:
    """Add money to the balance (a top-up, or a refund of unused minutes)."""
    if amount.amount_minor <= 0:
        raise InvalidInput(_("A credit must be positive."), code="invalid_amount")
    with transaction.atomic():
        balance, _created = PrepaidBalance.objects.select_for_update().get_or_create(
            customer=customer, currency=amount.currency
        )
        balance.amount_minor += amount.amount_minor
        balance.save(update_fields=["amount_minor", "updated_at"])
    return Money(balance.amount_minor, amount.currency)


def prepaid_balance_charge(*, customer, amount: Money) -> Money:
    """Take ``amount`` from the balance, all or nothing; 422 when it does not cover it."""
    if amount.amount_minor <= 0:
        raise InvalidInput(_("A charge must be positive."), code="invalid_amount")
    updated = PrepaidBalance.objects.filter(
        customer=customer, currency=amount.currency, amount_minor__gte=amount.amount_minor
    ).update(amount_minor=F("amount_minor") - amount.amount_minor)
    if not updated:
        raise BusinessRuleViolation(
            _("The prepaid balance does not cover this charge."), code="insufficient_balance"
        )
    return prepaid_balance(customer=customer, currency=amount.currency)
