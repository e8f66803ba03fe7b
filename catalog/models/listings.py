from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from catalog.models.providers import ProviderProfile
from catalog.models.taxonomy import Category, ListingType

# The SQL function behind Listing.tags_signature, created by migration 0011 in the public
# schema (shared by every marketplace's schema, so clones keep pointing at it).
TAGS_SIGNATURE_FUNCTION = "public.souk_tags_signature"


class TagsSignature(models.Func):
    """A 63-bit signature of a tag array: for each tag, bit (first byte of md5(tag)) mod 63.
    catalog.search.filters.tags_mask computes the same bits in Python."""

    function = TAGS_SIGNATURE_FUNCTION
    output_field = models.BigIntegerField()


class Listing(models.Model):
    """Something a provider sells; how it is sold comes from its listing type."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        PAUSED = "paused", "Paused"
        ARCHIVED = "archived", "Archived"

    provider = models.ForeignKey(ProviderProfile, related_name="listings", on_delete=models.CASCADE)
    category = models.ForeignKey(Category, related_name="listings", on_delete=models.PROTECT)
    listing_type = models.ForeignKey(ListingType, related_name="listings", on_delete=models.PROTECT)
    title = models.CharField(max_length=140)
    slug = models.SlugField(max_length=160, unique=True)
    # Sanitised HTML (see catalog.services.html.sanitise_html); never rendered unsanitised.
    description = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # Kept by the database. Search tests the signature before the tags: a bit test on the
    # covering index's tuple costs a tenth of comparing the tag strings, so only the rows
    # that may match (the matches and the rare colliding tag) pay for the exact test.
    tags_signature = models.GeneratedField(
        expression=TagsSignature("tags"), output_field=models.BigIntegerField(), db_persist=True
    )
    # The "from" price in minor units of `currency`: the lowest package, tier or rate.
    price_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    # Products only: units left; null means unlimited (digital goods).
    stock = models.PositiveIntegerField(null=True, blank=True)
    # Ticketed events: when and where.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    location_name = models.CharField(max_length=120, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "paused", "archived"]),
                name="listing_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="listing_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="listing_coordinates_valid",
            ),
        ]
        indexes = [
            GinIndex(fields=["title"], name="listing_title_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["tags"], name="listing_tags_gin"),
            models.Index(fields=["status", "-published_at", "-id"], name="listing_status_newest"),
            models.Index(fields=["status", "price_minor", "id"], name="listing_status_price"),
        ]

    def __str__(self):
        return self.title


class ListingPackage(models.Model):
    """A gig's basic / standard / premium offer."""

    class Tier(models.TextChoices):
        BASIC = "basic", "Basic"
        STANDARD = "standard", "Standard"
        PREMIUM = "premium", "Premium"

    listing = models.ForeignKey(Listing, related_name="packages", on_delete=models.CASCADE)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    price_minor = models.PositiveBigIntegerField()
    delivery_days = models.PositiveSmallIntegerField()
    revisions = models.PositiveSmallIntegerField(default=0)
    # Set when an edit dropped or changed a package that orders refer to: no longer offered,
    # kept for those orders (a package is never edited in place, so their terms stay).
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["price_minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "tier"],
                condition=models.Q(archived_at__isnull=True),
                name="package_one_current_per_tier",
            ),
            models.CheckConstraint(condition=models.Q(delivery_days__gte=1), name="package_days"),
        ]

    def __str__(self):
        return f"{self.listing} – {self.name}"


class TicketTier(models.Model):
    """A class of ticket for an event, with its own price and capacity."""

    listing = models.ForeignKey(Listing, related_name="ticket_tiers", on_delete=models.CASCADE)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=280, blank=True)
    price_minor = models.PositiveBigIntegerField()
    capacity = models.PositiveIntegerField()
    sold = models.PositiveIntegerField(default=0)
    sales_start = models.DateTimeField(null=True, blank=True)
    sales_end = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "price_minor"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "name"], name="ticket_tier_name_unique"),
            models.CheckConstraint(
                condition=models.Q(sold__lte=models.F("capacity")), name="ticket_tier_not_oversold"
            ),
        ]

    def __str__(self):
        return f"{self.listing} – {self.name}"

    @property
    def remaining(self) -> int:
        return self.capacity - self.sold


class ListingEvent(models.Model):
    """Audit row of a listing's status change: who moved it, from what, to what, when."""

    listing = models.ForeignKey(Listing, related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.listing_id}: {self.from_status} → {self.to_status}"
