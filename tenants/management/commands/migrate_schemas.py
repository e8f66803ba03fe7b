"""migrate_schemas that also keeps the template and the spare schemas current.

A stale template would silently give new marketplaces an old schema, so it is migrated
with every run, like each marketplace (and each run renews the template's generation stamp,
which retires the cached clone script: tenants.clone).
"""

from django_tenants.management.commands.migrate_schemas import (
    MigrateSchemasCommand as BaseMigrateSchemasCommand,
)
from django_tenants.migration_executors import get_executor
from django_tenants.utils import quote_schema_name, schema_exists

from tenants import schemas
from tenants.db import connection


class Command(BaseMigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if not self.sync_tenant or (self.schema_name and self.schema_name != "public"):
            return
        template = schemas.template_schema()
        connection.set_schema_to_public()
        if not schema_exists(template):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {quote_schema_name(template)}")
        extra = [template, *schemas.spare_schema_names()]
        executor = get_executor(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=extra)
        connection.set_schema_to_public()
