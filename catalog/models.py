from django.conf import settings
from django.db import models


class Category(models.Model):
    """A node of the marketplace's category tree."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.CASCADE
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    # Names in the marketplace's other languages, by language code: {"ar": "موسيقى"}.
    names = models.JSONField(default=dict, blank=True)
    icon = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class ListingType(models.Model):
    """How a kind of listing is priced and sold; the booking flows read it as data."""

    class Pricing(models.TextChoices):
        DATE_SLOT = "date_slot", "By date or time slot"
        PER_MINUTE = "per_minute", "Per minute of a live session"
        QUOTE = "quote", "Service with a quote"
        PACKAGES = "packages", "Packages"
        TICKETS = "tickets", "Ticket tiers"
        PRODUCT = "product", "Product"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    names = models.JSONField(default=dict, blank=True)
    pricing = models.CharField(max_length=20, choices=Pricing.choices)
    # The transaction process this type's bookings follow (e.g. "date_booking").
    process = models.CharField(max_length=40)
    config = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


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
    categories = models.ManyToManyField(Category, related_name="providers", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
        ]

    def __str__(self):
        return self.display_name
