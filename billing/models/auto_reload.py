"""Auto-reload of a customer's prepaid balance: when a charge leaves it under the threshold,
the saved payment method is charged off-session for the amount (billing.services.auto_reload)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from billing.models.payments import SavedPaymentMethod


class AutoReload(models.Model):
    """One customer's auto-reload settings in one currency, and how its last attempt went."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="auto_reloads", on_delete=models.CASCADE
    )
    currency = models.CharField(max_length=3)
    enabled = models.BooleanField(default=False)
    threshold_minor = models.BigIntegerField()
    amount_minor = models.BigIntegerField()
    method = models.ForeignKey(
        SavedPaymentMethod, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    # The last reload: its payment, or why it failed (it is not retried until the balance
    # goes over the threshold and falls under it again).
    last_payment_reference = models.CharField(max_length=40, blank=True, default="")
    # The charge that last took the balance under the threshold, once handled: a crossing
    # starts one reload however many tasks run for it.
    last_crossing = models.CharField(max_length=40, blank=True, default="")
    last_failure_code = models.CharField(max_length=60, blank=True, default="")
    last_failure_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "currency"], name="auto_reload_one_per_currency"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_minor__gte=0, amount_minor__gt=0),
                name="auto_reload_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.currency}"
