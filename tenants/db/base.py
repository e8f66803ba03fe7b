"""django-tenants' PostgreSQL backend, without redundant ``SET search_path`` round-trips.

django-tenants forgets the search path on every ``set_tenant`` call, so each request
re-issues ``SET search_path`` even when the connection already points at that schema.
Here a switch to the schema the connection is already on keeps the cached path, and the
connection counts the schemas it has served so the request cycle can recycle it before
PostgreSQL's per-backend catalog caches grow without bound.
"""

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self.schemas_served: set[str] = set()
        super().__init__(*args, **kwargs)

    def set_tenant(self, tenant, include_public=True):
        unchanged = (
            self.search_path_set_schemas is not None
            and self.schema_name == tenant.schema_name
            and self.include_public_schema == include_public
        )
        if unchanged:
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)
        self.schemas_served.add(tenant.schema_name)

    def close(self):
        self.schemas_served = set()
        super().close()
