from django.db import models


class Theme(models.Model):
    """The branded look of the marketplace: one row per schema."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    dark_mode = models.BooleanField(default=False)
    # Design tokens: {"colors": {...}, "fonts": {...}, "radius": "8px"}.
    tokens = models.JSONField(default=dict)
    logo = models.FileField(upload_to="theme/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="theme_singleton"),
        ]

    def __str__(self):
        return "Theme"
