from django.db import models

from catalog.models.listings import Listing
from catalog.models.providers import ProviderProfile


def media_upload_to(instance, filename):
    owner = (
        f"listings/{instance.listing_id}"
        if instance.listing_id
        else (f"providers/{instance.profile_id}")
    )
    return f"media/{owner}/{filename}"


class MediaItem(models.Model):
    """A photo or video of a provider profile or a listing (exactly one of the two)."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"

    profile = models.ForeignKey(
        ProviderProfile, null=True, blank=True, related_name="media", on_delete=models.CASCADE
    )
    listing = models.ForeignKey(
        Listing, null=True, blank=True, related_name="media", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to=media_upload_to, max_length=255)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Thumbnail storage names by size name: {"small": "...", "medium": "...", "large": "..."}.
    thumbnails = models.JSONField(default=dict, blank=True)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(profile__isnull=True, listing__isnull=False)
                | models.Q(profile__isnull=False, listing__isnull=True),
                name="media_one_owner",
            ),
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(is_primary=True, profile__isnull=False),
                name="media_one_primary_per_profile",
            ),
            models.UniqueConstraint(
                fields=["listing"],
                condition=models.Q(is_primary=True, listing__isnull=False),
                name="media_one_primary_per_listing",
            ),
        ]

    def __str__(self):
        return self.file.name
