"""The double-entry ledger of one marketplace (its schema).

Sign convention: an entry's ``amount_minor`` is a debit when positive and a credit when
negative, so every transaction's entries sum to zero. Accounts that hold money owed to someone
(a customer's prepaid balance, a provider's earnings, the platform's revenue) are credit-normal:
what their owner sees is the negated sum (``LedgerAccount.balance_minor``). Clearing accounts at a
payment provider are debit-normal: money the platform holds there.

Transactions and entries are never updated or deleted (database triggers refuse it; a
correction is a new transaction that names the one it corrects). The one cached figure,
``LedgerAccount.balance_minor``, is written in the same database transaction as the entries
that change it, and ``manage.py ledger_check`` proves it equals them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The kinds of account that belong to one user (a customer or a provider).
OWNED_KINDS = ["customer_balance", "provider_pending", "provider_available", "provider_paid_out"]


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_BALANCE = "customer_balance", "Customer prepaid balance"
        PROVIDER_PENDING = "provider_pending", "Provider earnings, pending release"
        PROVIDER_AVAILABLE = "provider_available", "Provider earnings, available"
        PROVIDER_PAID_OUT = "provider_paid_out", "Provider earnings, paid out"
        PLATFORM_FEES = "platform_fees", "Platform fee revenue"
        BUYER_FEES = "buyer_fees", "Buyer fee revenue"
        GATEWAY_CLEARING = "gateway_clearing", "Clearing at a payment provider"
        REFUNDS = "refunds", "Refunds"
        SUSPENSE = "suspense", "Suspense (money that matches nothing)"
        # Earnings taken from a provider's available balance for a payout not yet paid, per
        # payout method ("stripe", "fib", "manual"): still owed, on its way.
        PAYOUTS_IN_FLIGHT = "payouts_in_flight", "Payouts on their way"
        # The platform's side of every provider's paid-out total (see billing.services.payouts).
        PAYOUTS_SENT = "payouts_sent", "Payouts sent"

    # Kinds that belong to one user; the others are the marketplace's own.
    OWNED = frozenset(OWNED_KINDS)
    # Debit-normal kinds (assets); every other kind is credit-normal.
    DEBIT_NORMAL = frozenset(
        {Kind.GATEWAY_CLEARING, Kind.REFUNDS, Kind.SUSPENSE, Kind.PAYOUTS_SENT}
    )

    kind = models.CharField(max_length=24, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        on_delete=models.PROTECT,
    )
    # The payment provider's code for clearing accounts ("stripe", "fib", "manual"…), else "".
    provider = models.CharField(max_length=24, blank=True, default="")
    # The sum of this account's entries (debit-positive), kept in step with them.
    entries_sum_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "currency", "owner", "provider"],
                nulls_distinct=False,
                name="ledger_account_one_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=OWNED_KINDS, owner__isnull=False)
                | models.Q(owner__isnull=True) & ~models.Q(kind__in=OWNED_KINDS),
                name="ledger_account_owned_by_kind",
            ),
            # A customer's prepaid balance never goes below zero (it is credit-normal).
            models.CheckConstraint(
                condition=~models.Q(kind="customer_balance") | models.Q(entries_sum_minor__lte=0),
                name="ledger_customer_balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        who = self.owner_id or self.provider or "platform"
        return f"{self.kind}:{who}:{self.currency}"

    @property
    def balance_minor(self) -> int:
        """What the account holds, as its owner sees it (credit-normal kinds negated)."""
        return self.entries_sum_minor if self.kind in self.DEBIT_NORMAL else -self.entries_sum_minor


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        CHARGE = "charge"
        DEPOSIT = "deposit"
        BALANCE_PAYMENT = "balance_payment"
        FEE = "fee"
        RELEASE = "release"
        PAYOUT = "payout"
        REFUND = "refund"
        CHARGEBACK = "chargeback"
        TOP_UP = "top_up"
        MINUTE_DEBIT = "minute_debit"
        GIFT = "gift"
        CORRECTION = "correction"
        OPENING = "opening"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    # What the money moved for, unique in the marketplace: posting the same reference twice
    # is the same movement (an idempotent retry), never a second one.
    reference = models.CharField(max_length=120, unique=True)
    memo = models.CharField(max_length=255, blank=True, default="")
    # What the money moved for, named by the app that asked ("booking:12"), or "".
    subject = models.CharField(max_length=60, blank=True, default="", db_index=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, related_name="corrections", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, related_name="entries", on_delete=models.PROTECT
    )
    account = models.ForeignKey(LedgerAccount, related_name="entries", on_delete=models.PROTECT)
    amount_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_minor=0), name="ledger_entry_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["account", "transaction"], name="ledger_entry_account")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_minor:+d}"
