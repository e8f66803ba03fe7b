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
