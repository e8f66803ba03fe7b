from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Func
from django.db.models.functions import Now

from catalog.models import Listing, ListingPackage, ProviderProfile

# States in which a booking no longer holds the provider's time, the tickets or the stock it
# asked for. Every process uses these names for its releasing ends.
RELEASED_STATES = ("inquiry", "declined", "expired", "cancelled", "released")


class TsTzRange(Func):
    """``tstzrange(start, end)``, half open, for range constraints and overlap queries."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Actor(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PROVIDER = "provider", "Provider"
    STAFF = "staff", "Staff"
    SYSTEM = "system", "System"


class Booking(models.Model):
    """One transaction: a date booking, a quote, a gig order, a ticket purchase, a live session
    or a product order. Its ``state`` moves only through bookings.services.transitions, along
    the process named by ``process`` (bookings/processes/<process>.json), frozen at creation.

    Prices and fees are computed by billing.money when the price is known and frozen here.
    """

    number = models.CharField(max_length=16, unique=True)
    process = models.CharField(max_length=40)
    state = models.CharField(max_length=30)
    state_entered_at = models.DateTimeField(db_default=Now())
    # The timer armed for the current state, if any: the system takes `timer_transition`
    # once `timer_due_at` has passed.
    timer_due_at = models.DateTimeField(null=True, blank=True)
    timer_transition = models.CharField(max_length=40, blank=True)

    listing = models.ForeignKey(Listing, related_name="bookings", on_delete=models.PROTECT)
    provider = models.ForeignKey(ProviderProfile, related_name="bookings", on_delete=models.PROTECT)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="bookings", on_delete=models.PROTECT
    )
    package = models.ForeignKey(
        ListingPackage, null=True, blank=True, related_name="bookings", on_delete=models.PROTECT
    )
    # Units bought: products, or tickets of every tier together (their tiers are the booking's
    # ticket_lines).
    quantity = models.PositiveIntegerField(default=1)
    # The provider's time this booking takes (date bookings), guarded by the exclusion
    # constraint below.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    # Money, frozen when priced; all in minor units of `currency`.
    currency = models.CharField(max_length=3)
    priced = models.BooleanField(default=False)
    price_minor = models.BigIntegerField(default=0)
    commission_minor = models.BigIntegerField(default=0)
    buyer_fee_minor = models.BigIntegerField(default=0)
    buyer_total_minor = models.BigIntegerField(default=0)
    provider_payout_minor = models.BigIntegerField(default=0)
    platform_total_minor = models.BigIntegerField(default=0)
    deposit_minor = models.BigIntegerField(default=0)
    balance_minor = models.BigIntegerField(default=0)
    fee_policy = models.JSONField(default=dict, blank=True)
    paid_minor = models.BigIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Gig orders: revisions allowed by the package and used so far, and the delivery due time.
    revisions_allowed = models.PositiveSmallIntegerField(default=0)
    revisions_used = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    late_at = models.DateTimeField(null=True, blank=True)
    # What a cancellation decided: who cancelled and how much of what was paid goes back.
    cancelled_by = models.CharField(max_length=10, blank=True)
    cancellation_refund_minor = models.BigIntegerField(default=0)
    # When billing released the provider's share of what was paid (after completion).
    released_at = models.DateTimeField(null=True, blank=True)
    # The balance of a deposit booking on its due day (bookings.services.balance_payments):
    # when it was asked for (charged off-session or a payment link sent), when reminded.
    balance_requested_at = models.DateTimeField(null=True, blank=True)
    balance_reminded_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True, ends_at__isnull=True)
                | models.Q(
                    starts_at__isnull=False,
                    ends_at__isnull=False,
                    ends_at__gt=models.F("starts_at"),
                ),
                name="booking_time_range",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="booking_quantity"),
            models.CheckConstraint(
                condition=models.Q(revisions_used__lte=models.F("revisions_allowed")),
                name="booking_revisions_within_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0, paid_minor__gte=0),
                name="booking_amounts_not_negative",
            ),
            # No double booking: a provider's held time ranges never overlap.
            ExclusionConstraint(
                name="booking_no_double_booking",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("provider", RangeOperators.EQUAL),
                ],
                condition=models.Q(starts_at__isnull=False) & ~models.Q(state__in=RELEASED_STATES),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="booking_customer_recent"),
            models.Index(fields=["provider", "-created_at"], name="booking_provider_recent"),
            models.Index(
                fields=["timer_due_at"],
                name="booking_timer_due",
                condition=models.Q(timer_due_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_released(self) -> bool:
        return self.state in RELEASED_STATES


class BookingEvent(models.Model):
    """Audit row of one transition: who took it, from what state to what, when, with what."""

    booking = models.ForeignKey(Booking, related_name="events", on_delete=models.CASCADE)
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    actor_role = models.CharField(max_length=10, choices=Actor.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.booking_id}: {self.from_state} → {self.to_state} ({self.transition})"
