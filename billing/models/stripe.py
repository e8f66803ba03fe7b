"""Stripe Connect: each provider's connected account, every Stripe event received (once each),
the transfers that release money to connected accounts, and the holds a chargeback puts on a
subject's release."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ConnectedAccount(models.Model):
    """A provider's Express account on this marketplace's Stripe platform."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="connected_account", on_delete=models.PROTECT
    )
    account_ref = models.CharField(max_length=80, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.account_ref

    @property
    def can_receive(self) -> bool:
        """Transfers reach the account once Stripe lets it take charges."""
        return self.charges_enabled


class StripeEvent(models.Model):
    """A Stripe event applied in this marketplace: each event id has its effect once."""

    event_ref = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    object_ref = models.CharField(max_length=80, blank=True, default="")
    # The event's data.object, as verified when it arrived.
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_ref}"


class StripeTransfer(models.Model):
    """Money released to a provider's connected account: one transfer per release, payment
    (its source charge) and provider; ``reference`` is also the transfer's idempotency key."""

    reference = models.CharField(max_length=160, unique=True)
    transfer_ref = models.CharField(max_length=80, unique=True)
    subject = models.CharField(max_length=60, db_index=True)
    payment = models.ForeignKey(
        "billing.Payment", related_name="transfers", on_delete=models.PROTECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="stripe_transfers", on_delete=models.PROTECT
    )
    account_ref = models.CharField(max_length=80)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reversed_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="stripe_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    reversed_minor__gte=0, reversed_minor__lte=models.F("amount_minor")
                ),
                name="stripe_transfer_reversal_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.transfer_ref


class SubjectHold(models.Model):
    """Money paid for ``subject`` is not released while a hold is active (a chargeback)."""

    subject = models.CharField(max_length=60, db_index=True)
    # Why, unique: "dispute:dp_…".
    reference = models.CharField(max_length=120, unique=True)
    reason = models.CharField(max_length=40)
    lifted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.subject} {self.reference}"
