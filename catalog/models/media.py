from django.db import models
from django.utils import timezone

from catalog.models.listings import Listing
from catalog.models.providers import ProviderProfile
from tenants.storage import private_storage


def media_upload_to(instance, filename):
    owner = (
        f"listings/{instance.listing_id}"
        if instance.listing_id
        else (f"providers/{instance.profile_id}")
    )
    return f"media/{owner}/{filename}"


def media_original_upload_to(instance, filename):
    return f"media-originals/{media_upload_to(instance, filename)}"


class MediaItem(models.Model):
    """A photo or video of a provider profile or a listing (exactly one of the two).

    Large and animated images are re-encoded by a worker: until then the item is
    ``processing``, its upload sits in ``original`` (private storage, no URL), ``file`` is
    empty, and only its owner sees it. Only a ``ready`` item has a public file and may be
    primary (the cover search shows).
    """

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"

    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    profile = models.ForeignKey(
        ProviderProfile, null=True, blank=True, related_name="media", on_delete=models.CASCADE
    )
    listing = models.ForeignKey(
        Listing, null=True, blank=True, related_name="media", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to=media_upload_to, max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    # The upload as received, kept privately while a worker processes it; removed after.
    original = models.FileField(
        upload_to=media_original_upload_to, max_length=300, blank=True, storage=private_storage
    )
    # Why processing failed, in words for the owner.
    failure_reason = models.CharField(max_length=300, blank=True)
    # How often the processing task was sent, and when last: a periodic sweep sends it again
    # for items stuck in ``processing`` (catalog.media.processing.media_requeue_stuck).
    process_attempts = models.PositiveSmallIntegerField(default=1)
    process_queued_at = models.DateTimeField(default=timezone.now)
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
            models.CheckConstraint(
                condition=models.Q(is_primary=False) | models.Q(status="ready"),
                name="media_primary_is_ready",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file=""),
                name="media_ready_has_file",
            ),
        ]

    def __str__(self):
        return self.file.name
