"""Earnings for payout tests: money paid for a subject, released to a provider's available
balance, through the ledger's one door (as a payment and a release post it)."""

from __future__ import annotations

import secrets

from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, LedgerTransaction
from billing.money import Money
from billing.selectors.ledger import ledger_problems
from billing.services.ledger import credit, debit, ledger_account, ledger_post
from billing.services.refunds import subject_release

Kind = LedgerAccount.Kind


def earnings_available(marketplace, provider_user, amount: Money, fee: Money | None = None):
    """``amount`` paid by hand for a new subject (its ``fee`` to the platform), the provider's
    share released to their available earnings. Returns the subject."""
    fee = fee or Money.zero(amount.currency)
    subject = f"test:{secrets.token_hex(4)}"
    with tenant_context(marketplace):
        currency = amount.currency
        lines = [
            debit(ledger_account(kind=Kind.GATEWAY_CLEARING, currency=currency, provider="manual"),
                  amount + fee),
            credit(ledger_account(kind=Kind.PROVIDER_PENDING, currency=currency,
                                  owner=provider_user), amount),
        ]  # fmt: skip
        if fee.amount_minor:
            lines.append(credit(ledger_account(kind=Kind.PLATFORM_FEES, currency=currency), fee))
        ledger_post(
            kind=LedgerTransaction.Kind.CHARGE, reference=f"payment:{subject}", lines=lines,
            subject=subject, memo=f"paid by hand for {subject}",
        )  # fmt: skip
        subject_release(subject=subject, reference=subject)
    return subject


def books_balanced(marketplace) -> bool:
    with tenant_context(marketplace):
        return ledger_problems() == []


def iban(bank: str, account: str) -> str:
    """An Iraqi IBAN with its check digits (ISO 13616, mod 97)."""
    digits = int("".join(str(int(ch, 36)) for ch in f"{bank}{account}IQ00"))
    return f"IQ{98 - digits % 97:02d}{bank}{account}"
