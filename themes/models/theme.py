from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import models


class Theme(models.Model):
    """The branded look of the marketplace: one row per schema. Colours are hex, checked for
    contrast by themes.services.themes.theme_update before they are saved."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    # The default scheme: dark themes are dark whatever the visitor prefers.
    dark_mode = models.BooleanField(default=False)
    # {"primary", "accent", "background", "surface", "text", "muted", "success", "danger"}
    light = models.JSONField(default=dict)
    dark = models.JSONField(default=dict)
    font_heading = models.CharField(max_length=60, default="System")
    font_body = models.CharField(max_length=60, default="System")
    radius = models.PositiveSmallIntegerField(default=8)
    # By language code: {"en": "...", "ar": "..."}.
    hero_title = models.JSONField(default=dict, blank=True)
    hero_subtitle = models.JSONField(default=dict, blank=True)
    custom_css = models.TextField(blank=True)
    # In the marketplace's own storage prefix (the default storage is per schema).
    logo = models.FileField(upload_to="theme/", blank=True)
    favicon = models.FileField(upload_to="theme/", blank=True)
    hero_image = models.FileField(upload_to="theme/", blank=True)
    # Thumbnails of the hero image by size name ({"small": "theme/thumbs/…", …}).
    hero_thumbnails = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="theme_singleton"),
            models.CheckConstraint(condition=models.Q(radius__lte=48), name="theme_radius_range"),
        ]

    def __str__(self):
        return "Theme"

    @property
    def version(self) -> str:
        """The ``v`` of /theme.css's address, which browsers keep for a year: it changes
        whenever the theme does, and whenever a deployment changes the static files the
        stylesheet names (its fonts' hashed names), i.e. the manifest's own hash."""
        changed = str(int(self.updated_at.timestamp() * 1000)) if self.updated_at else "0"
        build = getattr(staticfiles_storage, "manifest_hash", "")
        return f"{changed}-{build[:12]}" if build else changed
