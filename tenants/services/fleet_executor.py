"""Django's migration executor for the fleet migration's workers: one migration graph per
worker process, and no listing of a schema's tables to learn whether django_migrations is
there.

Django's executor builds a loader (the graph, read from the migration files) and, like the
loader's consistency check, asks a recorder whether django_migrations exists: the recorder
lists every table of the schema, a scan of pg_class, which has no index by schema. At 600
marketplaces (300,000 catalog rows) that is ~140 ms a scan, two per schema: most of a schema's
migration, and two workers' scans are as slow as one's on a busy database. The worker makes
sure of the table by name first (tenants.services.fleet_migration), so here the recorder is
told it exists and the graph is read once.
"""

from __future__ import annotations

from functools import cache

from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@cache
def migration_graph() -> MigrationLoader:
    """The project's migrations, read once per process, without a database: each schema's
    applied migrations are set on it by FleetExecutor."""
    return MigrationLoader(None)


class FleetExecutor(MigrationExecutor):
    """MigrationExecutor over the process's graph and the current schema's applied
    migrations; its recorder does not list the schema's tables (the table exists)."""

    def __init__(self, connection, progress_callback=None, *, applied=None):
        """``applied``: the schema's applied migrations ((app, name) pairs) when the caller
        has read them already; else read here."""
        # Not super().__init__(): that reads the graph again and lists the tables twice.
        self.connection = connection
        self.progress_callback = progress_callback
        self.recorder = MigrationRecorder(connection)
        self.recorder._has_table = True  # type: ignore[attr-defined]  # made sure of by name
        self.loader = migration_graph()
        self.loader.connection = connection
        # Only the keys are read (the recorder's values are its rows, made into model instances).
        self.loader.applied_migrations = (
            self.recorder.applied_migrations()  # type: ignore[assignment]
            if applied is None
            else dict.fromkeys(applied)
        )

    def check_consistent_history(self) -> None:
        """MigrationLoader.check_consistent_history(), over the applied migrations read above
        (the loader's own reads them through a recorder of its own, which lists the tables)."""
        loader, applied = self.loader, self.loader.applied_migrations
        for migration in applied:
            if migration not in loader.graph.nodes:
                continue
            for parent in loader.graph.node_map[migration].parents:
                if parent in applied:
                    continue
                # An unapplied squashed migration whose replaced ones are all applied is fine.
                replacement = loader.replacements.get(parent)
                if replacement is not None and all(m in applied for m in replacement.replaces):
                    continue
                raise InconsistentMigrationHistory(
                    f"Migration {migration[0]}.{migration[1]} is applied before its dependency "
                    f"{parent[0]}.{parent[1]} on database '{self.connection.alias}'."
                )
