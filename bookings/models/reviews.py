"""Reviews, with their reports and appeals."""

from django.conf import settings
from django.db import models

from bookings.models.booking import Booking
from catalog.models import ProviderProfile


class Review(models.Model):
    class Side(models.TextChoices):
        CUSTOMER = "customer", "By the customer"
        PROVIDER = "provider", "By the provider"

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        REMOVED = "removed", "Removed by staff"

    booking = models.ForeignKey(Booking, related_name="reviews", on_delete=models.CASCADE)
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="reviews_written", on_delete=models.CASCADE
    )
    # The provider a customer's review is about (it feeds their rating aggregates).
    provider = models.ForeignKey(ProviderProfile, related_name="reviews", on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField()
    professionalism = models.PositiveSmallIntegerField(null=True, blank=True)
    communication = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "side"], name="review_one_per_side"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_range"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(professionalism__isnull=True)
                    | models.Q(professionalism__gte=1, professionalism__lte=5)
                )
                & (
                    models.Q(communication__isnull=True)
                    | models.Q(communication__gte=1, communication__lte=5)
                )
                & (models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5)),
                name="review_sub_ratings_range",
            ),
        ]
        indexes = [models.Index(fields=["provider", "status", "-created_at"], name="review_feed")]

    def __str__(self):
        return f"review {self.pk} ({self.rating})"


class ReviewReport(models.Model):
    """A report of a review, decided by staff; a removed review's author may appeal once."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: review removed"
        DISMISSED = "dismissed", "Dismissed: review stays"
        APPEALED = "appealed", "Removal appealed"
        REINSTATED = "reinstated", "Appeal granted: review restored"
        APPEAL_REJECTED = "appeal_rejected", "Appeal rejected"

    review = models.ForeignKey(Review, related_name="reports", on_delete=models.CASCADE)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE
    )
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    appeal_text = models.TextField(blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reporter"], name="review_report_once_per_reporter"
            )
        ]

    def __str__(self):
        return f"report {self.pk} of review {self.review_id}"


class ReviewReportEvent(models.Model):
    """One step of a report, never changed: reported, decided, appealed, appeal decided. The
    report row holds only its latest decision; these rows keep each one, with its actor."""

    class Action(models.TextChoices):
        REPORTED = "reported", "Reported"
        DECIDED = "decided", "Decided"
        APPEALED = "appealed", "Appealed"
        APPEAL_DECIDED = "appeal_decided", "Appeal decided"

    report = models.ForeignKey(ReviewReport, related_name="events", on_delete=models.CASCADE)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"report {self.report_id}: {self.from_status} → {self.to_status}"
