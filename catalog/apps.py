from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog.services.categories import categories_seed
        from catalog.services.listing_types import listing_types_seed
        from tenants.hooks import register_preset_seeder

        register_preset_seeder(parts=("categories",), seed=categories_seed)
        register_preset_seeder(parts=("listing_types",), seed=listing_types_seed)

        from catalog.selectors.usage import listings_usage
        from tenants.selectors.usage import register_usage_measure

        register_usage_measure(name="listings", measure=listings_usage)
