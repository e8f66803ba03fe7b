from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the override signals in every process, whether or not it renders pages.
        import themes.loaders  # noqa: F401
        from tenants.hooks import register_preset_seeder
        from themes.services.themes import theme_seed

        register_preset_seeder(parts=("theme",), seed=theme_seed)
