from django.conf import settings
from django.db import models


class PrepaidBalance(models.Model):
    """A customer's prepaid balance in one currency, spent by per-minute sessions.

    The double-entry ledger of the billing issue will own how money enters and leaves; the
    calls in billing.balances are the interface the bookings engine uses meanwhile.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="prepaid_balances", on_delete=models.CASCADE
    )
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "currency"], name="prepaid_balance_one_per_currency"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_minor__gte=0), name="prepaid_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.amount_minor} {self.currency}"
