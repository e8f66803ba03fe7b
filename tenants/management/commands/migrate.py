# `migrate` is `migrate_schemas` (with the template and spares), as in django-tenants.
from tenants.management.commands.migrate_schemas import Command  # noqa: F401
