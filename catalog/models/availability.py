from django.db import models

from catalog.models.providers import ProviderProfile


class WeeklyHours(models.Model):
    """A provider's recurring weekly working hours (0 = Monday)."""

    provider = models.ForeignKey(
        ProviderProfile, related_name="weekly_hours", on_delete=models.CASCADE
    )
    weekday = models.PositiveSmallIntegerField()
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekly_hours_day"),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="weekly_hours_order"
            ),
        ]

    def __str__(self):
        return f"{self.provider} {self.weekday} {self.start_time}-{self.end_time}"


class AvailabilityEntry(models.Model):
    """A dated exception to the weekly hours: extra availability or a block.

    No time range means the whole day.
    """

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        BLOCKED = "blocked", "Blocked"

    provider = models.ForeignKey(
        ProviderProfile, related_name="availability", on_delete=models.CASCADE
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(max_length=140, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True, end_time__isnull=True)
                | models.Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    end_time__gt=models.F("start_time"),
                ),
                name="availability_time_range",
            ),
            models.UniqueConstraint(
                fields=["provider", "date"],
                condition=models.Q(start_time__isnull=True),
                name="availability_one_whole_day_entry",
            ),
        ]
        indexes = [models.Index(fields=["date", "status", "provider"], name="availability_day")]

    def __str__(self):
        return f"{self.provider} {self.date} {self.status}"
