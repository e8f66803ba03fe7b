from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from tenants import routing  # noqa: F401  (registers cache invalidation signals)

        post_migrate.connect(template_migrated, sender=self, dispatch_uid="souk-template-stamp")


def template_migrated(sender, using="default", **kwargs) -> None:
    """migrate ran on the template schema: the clone script cached for it is stale."""
    from django.conf import settings

    from tenants import clone
    from tenants.db import connection

    if using == "default" and connection.schema_name == settings.TENANT_BASE_SCHEMA:
        clone.stamp_template(settings.TENANT_BASE_SCHEMA)
