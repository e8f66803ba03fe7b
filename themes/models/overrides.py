import re

from django.db import models

# Only the site's own templates may be overridden (never admin, mails or error pages).
OVERRIDE_PATH = re.compile(r"site/[a-z0-9_-]+(?:/[a-z0-9_-]+)*\.html")
OVERRIDE_MAX_BYTES = 100_000


class TemplateOverride(models.Model):
    """A marketplace's own version of one of the site's templates, looked up before the
    default theme's (themes.loaders.MarketplaceLoader)."""

    path = models.CharField(max_length=200, unique=True)
    source = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]

    def __str__(self):
        return self.path
