"""Payments: one row per attempt to take money through a provider, its raw exchanges, and each
marketplace's provider accounts (credentials encrypted at rest)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from billing.providers.base import PaymentState


class ProviderAccount(models.Model):
    """A payment provider this marketplace uses, with its own credentials."""

    class Environment(models.TextChoices):
        PRODUCTION = "production"
        STAGING = "staging"
        SANDBOX = "sandbox", "Sandbox (the operator's local sandbox)"

    code = models.CharField(max_length=24, unique=True)
    enabled = models.BooleanField(default=True)
    environment = models.CharField(
        max_length=12, choices=Environment.choices, default=Environment.SANDBOX
    )
    # The environment's address (the provider's host, or the operator's sandbox).
    base_url = models.URLField(max_length=300)
    # Fernet token of the JSON credentials (billing.credentials); never returned by the API.
    credentials_encrypted = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.code


# PaymentState as choices, labelled as Django labels TextChoices.
STATE_CHOICES = [(s.value, s.name.replace("_", " ").title()) for s in PaymentState]


class Payment(models.Model):
    class Purpose(models.TextChoices):
        CHARGE = "charge"
        DEPOSIT = "deposit"
        BALANCE_PAYMENT = "balance_payment"
        TOP_UP = "top_up"

    # Ours, unique in the marketplace: the merchant reference providers see.
    reference = models.CharField(max_length=40, unique=True)
    provider = models.CharField(max_length=24)
    provider_ref = models.CharField(max_length=120, null=True, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    # What is paid for, named by the app that asked ("booking:12"); billing knows no bookings.
    subject = models.CharField(max_length=60, db_index=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="payments", on_delete=models.PROTECT
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    # Given back to the payer so far (decided refunds; the provider's side follows).
    refunded_minor = models.BigIntegerField(default=0)
    state = models.CharField(
        max_length=20,
        choices=STATE_CHOICES,
        default=PaymentState.PENDING,
    )
    idempotency_key = models.CharField(max_length=80, unique=True)
    # Where the money goes when it is paid: [{"kind", "owner_id", "amount_minor"}], summing to
    # amount_minor (checked when created).
    allocations = models.JSONField(default=list)
    next_action = models.JSONField(default=dict, blank=True)
    failure_code = models.CharField(max_length=60, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"], name="payment_provider_ref_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    refunded_minor__gte=0, refunded_minor__lte=models.F("amount_minor")
                ),
                name="payment_refund_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["state", "provider"], name="payment_state_provider")]

    def __str__(self) -> str:
        return self.reference


class PaymentExchange(models.Model):
    """Every request to and answer from a provider, and every notification, stored raw."""

    class Direction(models.TextChoices):
        REQUEST = "request"
        RESPONSE = "response"
        NOTIFICATION = "notification"
        STATUS = "status"
        ERROR = "error"

    payment = models.ForeignKey(
        Payment, null=True, blank=True, related_name="exchanges", on_delete=models.PROTECT
    )
    provider = models.CharField(max_length=24)
    direction = models.CharField(max_length=14, choices=Direction.choices)
    body = models.JSONField(default=dict)
    note = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.direction} {self.payment_id}"


class SavedPaymentMethod(models.Model):
    """A payer's card (or other method) a provider keeps for charging them without them:
    deposits' balances on the due day, auto-reload of a prepaid balance."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="saved_payment_methods", on_delete=models.CASCADE
    )
    provider = models.CharField(max_length=24)
    customer_ref = models.CharField(max_length=120)
    method_ref = models.CharField(max_length=120)
    label = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "method_ref"], name="saved_method_unique_per_provider"
            )
        ]
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.label or self.method_ref}"
