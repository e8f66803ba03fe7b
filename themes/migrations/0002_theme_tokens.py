from django.db import migrations, models

TOKENS = ("primary", "accent", "background", "surface", "text", "muted", "success", "danger")
LIGHT = {"primary": "#1D4ED8", "accent": "#B45309", "background": "#FFFFFF",
         "surface": "#F5F5F5", "text": "#111111", "muted": "#555555", "success": "#15803D",
         "danger": "#B91C1C"}  # fmt: skip
DARK = {"primary": "#93C5FD", "accent": "#FBBF24", "background": "#111111",
        "surface": "#1C1C1C", "text": "#F5F5F5", "muted": "#B5B5B5", "success": "#4ADE80",
        "danger": "#F87171"}  # fmt: skip


def tokens_to_fields(apps, schema_editor):
    """The old free-form tokens ({"colors", "fonts", "radius"}) become the fields; missing
    colours take the defaults of their scheme."""
    Theme = apps.get_model("themes", "Theme")
    for theme in Theme.objects.all():
        tokens = theme.tokens or {}
        colours = {k: v for k, v in (tokens.get("colors") or {}).items() if k in TOKENS}
        own, other = ("dark", "light") if theme.dark_mode else ("light", "dark")
        defaults = {"light": LIGHT, "dark": DARK}
        setattr(theme, own, {**defaults[own], **colours})
        setattr(theme, other, dict(defaults[other]))
        fonts = tokens.get("fonts") or {}
        theme.font_heading = fonts.get("heading") or "System"
        theme.font_body = fonts.get("body") or "System"
        radius = str(tokens.get("radius") or "8").removesuffix("px")
        theme.radius = min(int(radius), 48) if radius.isdigit() else 8
        theme.save()


class Migration(migrations.Migration):
    dependencies = [("themes", "0001_initial")]

    operations = [
        migrations.AddField("theme", "light", models.JSONField(default=dict)),
        migrations.AddField("theme", "dark", models.JSONField(default=dict)),
        migrations.AddField(
            "theme", "font_heading", models.CharField(default="System", max_length=60)
        ),
        migrations.AddField("theme", "font_body", models.CharField(default="System", max_length=60)),
        migrations.AddField("theme", "radius", models.PositiveSmallIntegerField(default=8)),
        migrations.AddField("theme", "hero_title", models.JSONField(blank=True, default=dict)),
        migrations.AddField("theme", "hero_subtitle", models.JSONField(blank=True, default=dict)),
        migrations.AddField("theme", "custom_css", models.TextField(blank=True)),
        migrations.AddField(
            "theme", "favicon", models.FileField(blank=True, upload_to="theme/")
        ),
        migrations.AddField(
            "theme", "hero_image", models.FileField(blank=True, upload_to="theme/")
        ),
        migrations.AddField(
            "theme", "hero_thumbnails", models.JSONField(blank=True, default=dict)
        ),
        migrations.RunPython(tokens_to_fields, migrations.RunPython.noop),
        migrations.RemoveField("theme", "tokens"),
        migrations.AddConstraint(
            "theme",
            models.CheckConstraint(condition=models.Q(radius__lte=48), name="theme_radius_range"),
        ),
        migrations.CreateModel(
            name="TemplateOverride",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("path", models.CharField(max_length=200, unique=True)),
                ("source", models.TextField()),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"ordering": ["path"]},
        ),
    ]
