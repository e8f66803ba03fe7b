from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # Connects the override signals in every process, whether or not it renders pages.
        import themes.loaders  # noqa: F401
        from tenants.hooks import register_preset_seeder
        from themes.models import Theme
        from themes.selectors.themes import theme_changed
        from themes.services.themes import theme_seed

        # The theme pages are drawn with is kept per process (themes.selectors.themes).
        post_save.connect(theme_changed, sender=Theme, dispatch_uid="page-theme-save")
        post_delete.connect(theme_changed, sender=Theme, dispatch_uid="page-theme-del")

        register_preset_seeder(parts=("theme",), seed=theme_seed)
