"""Money going out to providers (payouts, and the withdrawals providers ask for), where it goes
(their payout accounts), and the receipts sent to payers.

A payout's ledger side is in billing.services.payouts; its states:

    requested ──send (a provider's driver)──▶ sent ──▶ paid
        │  └──confirm (staff, manual)──────────────────▶ paid
        └──cancel──▶ cancelled        requested|sent ──▶ failed

Failed and cancelled payouts give the money back to the payee's available earnings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PayoutMethod(models.TextChoices):
    STRIPE = "stripe", "Stripe (transfer to the connected account)"
    FIB = "fib", "FIB (to an IBAN)"
    MANUAL = "manual", "Manual (a bank transfer staff make and confirm)"


class PayoutAccount(models.Model):
    """Where a provider is paid: a FIB IBAN, a Stripe connected account, or bank details for
    manual payouts (free text staff read)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="payout_accounts", on_delete=models.CASCADE
    )
    method = models.CharField(max_length=12, choices=PayoutMethod.choices)
    destination = models.CharField(max_length=255)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "method"], name="payout_account_one_per_method")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method}"


class Payout(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SENT = "sent", "Sent"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Origin(models.TextChoices):
        STAFF = "staff", "Made by staff"
        WITHDRAWAL = "withdrawal", "Asked for by the provider"

    # What the money moved for in the ledger, and the idempotency key providers see.
    reference = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="payouts", on_delete=models.PROTECT
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=12, choices=PayoutMethod.choices)
    destination = models.CharField(max_length=255, blank=True, default="")
    origin = models.CharField(max_length=12, choices=Origin.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.REQUESTED)
    # Sent on the marketplace's next payout run (withdrawals), or at once.
    scheduled_for = models.DateTimeField()
    provider_ref = models.CharField(max_length=120, blank=True, default="")
    # The bank's reference of a manual payout, given by the staff member who confirms it.
    bank_reference = models.CharField(max_length=120, blank=True, default="")
    failure_code = models.CharField(max_length=60, blank=True, default="")
    # Every answer of the provider, in order.
    raw = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="payout_amount_positive"
            ),
            # One open withdrawal per provider at a time.
            models.UniqueConstraint(
                fields=["payee"],
                condition=models.Q(origin="withdrawal", state="requested"),
                name="payout_one_open_withdrawal",
            ),
        ]
        indexes = [models.Index(fields=["state", "scheduled_for"], name="payout_due")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class Receipt(models.Model):
    """A receipt e-mail sent (or being sent) for one payment or one refund: at most one each."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The payment's reference, or the refund's ledger transaction reference.
    reference = models.CharField(max_length=120)
    recipient = models.EmailField()
    language = models.CharField(max_length=8)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="receipt_once_per_movement")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
