from django.conf import settings
from django.db import models

from catalog.models.listings import Listing
from catalog.models.providers import ProviderProfile


class Favorite(models.Model):
    """A customer's saved provider or listing (exactly one of the two)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="favorites", on_delete=models.CASCADE
    )
    provider = models.ForeignKey(
        ProviderProfile,
        null=True,
        blank=True,
        related_name="favorited_by",
        on_delete=models.CASCADE,
    )
    listing = models.ForeignKey(
        Listing, null=True, blank=True, related_name="favorited_by", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider__isnull=True, listing__isnull=False)
                | models.Q(provider__isnull=False, listing__isnull=True),
                name="favorite_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "provider"],
                condition=models.Q(provider__isnull=False),
                name="favorite_provider_once",
            ),
            models.UniqueConstraint(
                fields=["user", "listing"],
                condition=models.Q(listing__isnull=False),
                name="favorite_listing_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} ♥ {self.provider or self.listing}"
