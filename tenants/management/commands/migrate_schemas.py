"""migrate_schemas: the public schema, then the fleet (every marketplace, the template and the
spares) in parallel waves, resumably (tenants.services.fleet_migration).

A stale template would silently give new marketplaces an old schema, so it is migrated with
every run, in the canary wave. The django-tenants way (its executors, marketplaces only, then
the template and spares) is kept for ``--schema``, an app label or migration name, ``--fake``,
``--fake-initial``, ``--plan``, ``--check``, ``--prune``, ``--run-syncdb`` and an explicit
``--executor``.
Each run renews the template's generation stamp, which retires the cached clone script
(tenants.clone).
"""

from __future__ import annotations

import contextlib
import sys

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError
from django_tenants.management.commands.migrate_schemas import (
    MigrateSchemasCommand as BaseMigrateSchemasCommand,
)
from django_tenants.migration_executors import get_executor
from django_tenants.utils import quote_schema_name, schema_exists

from tenants import schemas
from tenants.db import connection
from tenants.selectors.fleet_migration import fleet_migration_get, fleet_migration_report
from tenants.services import fleet_migration as fleet

PLAIN_ONLY = (
    "app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune",
    "run_syncdb",
)  # fmt: skip


class Command(BaseMigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        group = parser.add_argument_group("fleet migration")
        group.add_argument(
            "--workers", type=int, default=None,
            help="Worker processes (default SOUK_MIGRATE_WORKERS).",
        )  # fmt: skip
        group.add_argument(
            "--wave-size", type=int, default=None,
            help="Marketplaces per wave after the canary wave (default SOUK_MIGRATE_WAVE_SIZE).",
        )  # fmt: skip
        group.add_argument(
            "--canary", action="append", default=None, metavar="SLUG[,SLUG]",
            help="Marketplaces of the canary wave (default SOUK_MIGRATE_CANARY).",
        )  # fmt: skip
        group.add_argument(
            "--canary-count", type=int, default=None,
            help="More marketplaces in the canary wave (default SOUK_MIGRATE_CANARY_COUNT).",
        )  # fmt: skip
        group.add_argument(
            "--new-run", action="store_true",
            help="Start a new run even if the last one (same migrations) is unfinished.",
        )  # fmt: skip
        group.add_argument(
            "--report", nargs="?", type=int, const=0, default=None, metavar="RUN",
            help="Print the report of a past run (the latest without RUN) and exit.",
        )  # fmt: skip

    def handle(self, *args, **options):
        if options["report"] is not None:
            return self._report(options["report"] or None)
        whole_fleet = not options.get("schema_name") and not options.get("shared")
        if not whole_fleet or options.get("executor") or any(options.get(o) for o in PLAIN_ONLY):
            return self._plain(*args, **options)
        if not options.get("tenant"):
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        self._fleet(options)

    def _plain(self, *args, **options):
        super().handle(*args, **options)
        if not self.sync_tenant or (self.schema_name and self.schema_name != "public"):
            return
        self._template_ready()
        extra = [schemas.template_schema(), *schemas.spare_schema_names()]
        executor = get_executor(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=extra)
        connection.set_schema_to_public()

    def _template_ready(self) -> None:
        template = schemas.template_schema()
        connection.set_schema_to_public()
        if not schema_exists(template):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {quote_schema_name(template)}")

    def _fleet(self, options) -> None:
        canary = options["canary"] or [",".join(settings.SOUK_MIGRATE_CANARY)]
        self._template_ready()
        try:
            fleet.fleet_lock()
        except fleet.FleetBusy as exc:
            raise CommandError(str(exc)) from exc
        try:
            try:
                run, resumed = fleet.fleet_migration_start(
                    workers=max(1, _or(options["workers"], settings.SOUK_MIGRATE_WORKERS)),
                    wave_size=_or(options["wave_size"], settings.SOUK_MIGRATE_WAVE_SIZE),
                    canary=[slug for item in canary for slug in item.split(",") if slug],
                    canary_count=_or(options["canary_count"], settings.SOUK_MIGRATE_CANARY_COUNT),
                    resume=not options["new_run"],
                )
            except fleet.UnknownCanary as exc:
                raise CommandError(str(exc)) from exc
            verbosity = int(options["verbosity"])
            # The bar and progress lines go to stderr, the report to stdout.
            bar = ProgressOutput(getattr(self.stderr, "_out", sys.stderr), verbosity)
            if verbosity:
                what = "resuming" if resumed else "starting"
                self.stdout.write(f"fleet migration {run.pk}: {what}, {run.workers} workers")
            try:
                run = fleet.fleet_migration_run(run, on_progress=bar.show)
            except KeyboardInterrupt:
                bar.end()
                raise CommandError(
                    f"fleet migration {run.pk} interrupted: run migrate_schemas again to resume it."
                ) from None
            bar.end()
            connection.set_schema_to_public()
            if verbosity or run.status != run.Status.SUCCEEDED:
                self.stdout.write("\n".join(fleet_migration_report(run)))
            if run.status != run.Status.SUCCEEDED:
                raise CommandError(
                    f"fleet migration {run.pk} stopped after wave {run.wave}: fix what the report "
                    "names and run migrate_schemas again to resume it."
                )
        finally:
            connection.set_schema_to_public()
            # A session broken by the interruption has lost its lock already.
            with contextlib.suppress(DatabaseError):
                fleet.fleet_unlock()

    def _report(self, run_id: int | None) -> None:
        run = fleet_migration_get(run_id)
        if run is None:
            raise CommandError("No such fleet migration run.")
        self.stdout.write("\n".join(fleet_migration_report(run)))


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


class ProgressOutput:
    """A progress bar on a terminal; otherwise a line per wave, per failure and per tenth."""

    WIDTH = 30

    def __init__(self, stream, verbosity: int):
        self.stream = stream
        self.verbosity = verbosity
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.drawn = False
        self.last_tenth = -1

    def show(self, progress: fleet.Progress) -> None:
        if not self.verbosity:
            return
        row = progress.row
        if row is not None and row.status == row.Status.FAILED:
            self._line(f"failed: {row.marketplace_slug or row.kind} ({row.schema_name})")
        if self.tty:
            filled = self.WIDTH * progress.done // max(progress.total, 1)
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {progress.done}/{progress.total}"
                f" wave {progress.wave}/{max(progress.run.waves - 1, 0)}"
                f" failed {progress.failed}\033[K"
            )
            self.stream.flush()
            self.drawn = True
            return
        tenth = 10 * progress.done // max(progress.total, 1)
        if row is None:
            self._line(f"wave {progress.wave}: {progress.done}/{progress.total} schemas done")
        elif tenth != self.last_tenth:
            self._line(f"{progress.done}/{progress.total} schemas done")
        self.last_tenth = tenth

    def _line(self, text: str) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
