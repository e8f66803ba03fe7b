from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from catalog.models.taxonomy import Category


class Badge(models.TextChoices):
    """Verifications that only marketplace staff grant."""

    INSURANCE = "insurance", "Public liability insurance"
    DBS = "dbs", "DBS checked"
    ID = "id", "Identity verified"
    LICENSED = "licensed", "Licensed"


class ProviderProfile(models.Model):
    """The public face of a provider: who they are, where they work, what they offer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="provider_profile", on_delete=models.CASCADE
    )
    display_name = models.CharField(max_length=120)
    tagline = models.CharField(max_length=160, blank=True)
    bio = models.TextField(blank=True)
    location_name = models.CharField(max_length=120, blank=True)
    # WGS 84 degrees; six decimals is about 11 cm, finer than any travel radius needs.
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    travel_radius_km = models.PositiveIntegerField(default=0)
    categories = models.ManyToManyField(Category, related_name="providers", blank=True)
    # Act types, specialties: free words the provider chooses, lower-cased.
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=8), default=list, blank=True)

    # Rates in minor units of the marketplace's currency.
    minimum_rate_minor = models.PositiveBigIntegerField(null=True, blank=True)
    hourly_rate_minor = models.PositiveBigIntegerField(null=True, blank=True)
    event_rate_minor = models.PositiveBigIntegerField(null=True, blank=True)
    # Per-minute rates by channel: {"chat": 199, "phone": 299, "video": 399}.
    per_minute_rates = models.JSONField(default=dict, blank=True)

    badges = ArrayField(
        models.CharField(max_length=20, choices=Badge.choices), default=list, blank=True
    )
    is_online = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    # rating_sum / rating_count, kept in step by the review service; indexed for sorting.
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    featured = models.BooleanField(default=False)
    completeness = models.PositiveSmallIntegerField(default=0)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="provider_profile_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rating_avg__gte=0, rating_avg__lte=5),
                name="provider_profile_rating_range",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="provider_search_gin"),
            GinIndex(fields=["tags"], name="provider_tags_gin"),
            GinIndex(fields=["badges"], name="provider_badges_gin"),
            GinIndex(
                fields=["display_name"], name="provider_name_trgm", opclasses=["gin_trgm_ops"]
            ),
            models.Index(fields=["latitude", "longitude"], name="provider_lat_lon"),
            models.Index(fields=["-rating_avg"], name="provider_rating"),
        ]

    def __str__(self):
        return self.display_name


class Vouch(models.Model):
    """One provider vouching for another in one skill area."""

    voucher = models.ForeignKey(
        ProviderProfile, related_name="vouches_given", on_delete=models.CASCADE
    )
    vouchee = models.ForeignKey(
        ProviderProfile, related_name="vouches_received", on_delete=models.CASCADE
    )
    skill_area = models.CharField(max_length=40)
    note = models.CharField(max_length=280, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["voucher", "vouchee", "skill_area"], name="vouch_once_per_skill"
            ),
            models.CheckConstraint(
                condition=~models.Q(voucher=models.F("vouchee")), name="vouch_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.voucher} vouches for {self.vouchee} ({self.skill_area})"
