"""The fleet migration: every marketplace's schema, the template and the spares, brought up to
the code's tenant migrations by worker processes, in waves, resumably.

* **Waves.** Wave 0, the canary wave, holds the template (so provisioning, which refuses a stale
  template, works again as early as possible), the spares, the marketplaces named as canaries
  and the first ``canary_count`` others; then waves of ``wave_size`` marketplaces in creation
  order. A wave is always finished; a wave with a failure is the last one started.
* **Workers** are forked processes (as django-tenants' multiprocessing executor does), each with
  its own database connection and migration state: Django's migration executor and the
  content-type cache it fills are per process, not safe to share between threads.
* **State** is in the public schema: a ``FleetMigration`` run and one ``FleetMigrationSchema``
  row per schema, written by the worker that migrates it (status, attempts, the migrations
  applied, the failing one and its error, timings). A rerun with the same target resumes the
  last unfinished run (failed, interrupted or killed) and takes up only what is not done; a
  schema whose applied migrations already include everything is done after one query, so a
  schema that a killed run migrated without recording it costs nothing either.
* Each migration runs in its own transaction (Django's atomic migrations on PostgreSQL), so an
  interruption leaves every schema at a migration boundary and a rerun goes on from there.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import logging
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connections, transaction
from django.db.migrations import Migration
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState, StateApps
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_tenants.utils import quote_schema_name, schema_exists

from tenants import schemas
from tenants.db import connection
from tenants.models import FleetMigration, FleetMigrationSchema, Marketplace
from tenants.services.fleet_content_types import ContentTypesCheck, content_receivers_detach
from tenants.services.fleet_executor import FleetExecutor

logger = logging.getLogger(__name__)

Row = FleetMigrationSchema
# pg_advisory_lock key: one fleet migration at a time, held by the command's own session (a
# killed command's lock goes with its connection).
FLEET_LOCK_KEY = 0x464C_4D01


class FleetBusy(RuntimeError):
    """Another fleet migration holds the lock."""


class UnknownCanary(ValueError):
    """A canary slug names no marketplace."""


@dataclass(frozen=True)
class Progress:
    run: FleetMigration
    wave: int
    done: int
    failed: int
    total: int
    row: FleetMigrationSchema | None = None


def migration_target() -> tuple[str, int]:
    """A digest of the tenant migrations the code has, and how many there are."""
    names = sorted(f"{app}.{name}" for app, name in schemas.expected_tenant_migrations())
    return hashlib.sha256("\n".join(names).encode()).hexdigest(), len(names)


def _fleet() -> list[tuple[str, str, str]]:
    """(schema, kind, slug) of every schema the fleet migration covers, template first."""
    entries: list[tuple[str, str, str]] = [(schemas.template_schema(), Row.Kind.TEMPLATE, "")]
    entries += [(name, Row.Kind.SPARE, "") for name in schemas.spare_schema_names()]
    entries += [
        (schema, Row.Kind.MARKETPLACE, slug)
        for schema, slug in Marketplace.objects.order_by("pk").values_list("schema_name", "slug")
    ]
    return entries


def _waves(
    entries: list[tuple[str, str, str]], *, canary: Iterable[str], canary_count: int, size: int
) -> list[list[tuple[str, str, str]]]:
    named = set(canary)
    known = {slug for _, kind, slug in entries if kind == Row.Kind.MARKETPLACE}
    if named - known:
        raise UnknownCanary(f"No marketplace has the slug(s) {', '.join(sorted(named - known))}.")
    first = [entry for entry in entries if entry[1] != Row.Kind.MARKETPLACE or entry[2] in named]
    rest = [entry for entry in entries if entry not in first]
    first += rest[:canary_count]
    rest = rest[canary_count:]
    size = max(size, 1)
    return [first] + [rest[start : start + size] for start in range(0, len(rest), size)]


def fleet_migration_start(
    *, workers: int, wave_size: int, canary: Iterable[str], canary_count: int, resume: bool = True
) -> tuple[FleetMigration, bool]:
    """The run to carry out: the last unfinished one with this target (resumed: schemas added
    since go into a last wave), else a new one. Returns (run, resumed)."""
    target, count = migration_target()
    entries = _fleet()
    last = FleetMigration.objects.order_by("-pk").first()
    with transaction.atomic():
        if resume and last and last.target == target and last.status != last.Status.SUCCEEDED:
            run = last
            run.status = run.Status.RUNNING
            run.workers = workers
            run.attempts += 1
            run.finished_at = None
            run.save()
            _newcomers_add(run, entries)
            return run, True
        waves = _waves(entries, canary=canary, canary_count=canary_count, size=wave_size)
        run = FleetMigration.objects.create(
            target=target, target_count=count, workers=workers, wave_size=wave_size,
            waves=len(waves),
        )  # fmt: skip
        _rows_create(run, waves, first_wave=0)
        return run, False


def _newcomers_add(run: FleetMigration, entries: list[tuple[str, str, str]] | None = None) -> int:
    """Put the schemas the run does not know (marketplaces and spares made since it started,
    maybe from the template before the run migrated it) into a last wave of their own."""
    known = set(run.schemas.values_list("schema_name", flat=True))
    added = [entry for entry in (entries or _fleet()) if entry[0] not in known]
    if added:
        run.waves += 1
        run.save(update_fields=["waves"])
        _rows_create(run, [added], first_wave=run.waves - 1)
    return len(added)


def _rows_create(run: FleetMigration, waves: list[list[tuple[str, str, str]]], first_wave: int):
    Row.objects.bulk_create(
        Row(run=run, schema_name=schema, kind=kind, marketplace_slug=slug, wave=first_wave + index)
        for index, wave in enumerate(waves)
        for schema, kind, slug in wave
    )


def fleet_lock() -> None:
    """Take the fleet migration lock for this session, or raise FleetBusy."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FLEET_LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise FleetBusy("Another fleet migration is running (its lock is held).")


def fleet_unlock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [FLEET_LOCK_KEY])


def fleet_migration_run(
    run: FleetMigration, *, on_progress: Callable[[Progress], None] | None = None
) -> FleetMigration:
    """Carry ``run`` out wave by wave from its first unfinished one; stop after a wave with a
    failure. Schemas made while it ran get a wave of their own at the end. Ctrl-C (or SIGTERM)
    marks the run interrupted and raises KeyboardInterrupt."""
    report = on_progress or (lambda progress: None)
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(run.workers, mp_context=context, initializer=_worker_start)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    failed = 0
    try:
        while True:
            rows = list(run.schemas.exclude(status=Row.Status.DONE).values_list("pk", "wave"))
            if not rows and not _newcomers_add(run):
                _clone_script_prepare()
                return _finish(run, FleetMigration.Status.SUCCEEDED)
            rows = rows or list(
                run.schemas.exclude(status=Row.Status.DONE).values_list("pk", "wave")
            )
            total = run.schemas.count()
            done = total - len(rows)
            wave = min(row_wave for _, row_wave in rows)
            run.wave = wave
            run.save(update_fields=["wave"])
            report(Progress(run, wave, done, failed, total))
            pending: set[Future] = {
                pool.submit(_migrate_schema, pk) for pk, row_wave in rows if row_wave == wave
            }
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    row = Row.objects.get(pk=future.result())
                    done += 1
                    failed += row.status == Row.Status.FAILED
                    report(Progress(run, wave, done, failed, total, row))
            if failed:
                return _finish(run, FleetMigration.Status.FAILED)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        _finish(run, FleetMigration.Status.INTERRUPTED)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        pool.shutdown(wait=True, cancel_futures=True)


def _clone_script_prepare() -> None:
    """The template may have just been migrated: derive its clone script now, so that the
    first sign-up after the deploy does not (about a second at 1,000 marketplaces). A template
    that cannot be cloned is the sign-ups' error to report, not the migration's."""
    try:
        schemas.clone_script_prepare()
    except Exception:
        logger.exception("the template's clone script could not be derived")


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _finish(run: FleetMigration, status: str) -> FleetMigration:
    connection.set_schema_to_public()
    run.status = status
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


# Connections a forked worker inherited: kept referenced so that they are never freed (freeing
# one would end the parent's session on the server), and never used.
_inherited: list[object] = []


def _worker_start() -> None:
    # Linux: die with the command (kill -9 included) instead of waiting for work forever.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # As the migrate command does: apps' management modules may connect migration signals.
    for app_config in global_apps.get_app_configs():
        if module_has_submodule(app_config.module, "management"):
            import_module(".management", app_config.name)
    # Content types and permissions: checked in one statement per schema (fleet_content_types).
    content_receivers_detach()
    for conn in connections.all(initialized_only=True):
        _inherited.append(conn.connection)
        conn.connection = None
        # The search path the parent's session had is not this session's (django-tenants
        # skips the SET while it believes the path is set).
        conn.search_path_set_schemas = None  # type: ignore[attr-defined]
        conn.in_atomic_block = False
        conn.savepoint_ids = []
        conn.needs_rollback = False


def _migrate_schema(pk: int) -> int:
    """Bring one schema up to date and record how it went (runs in a worker process)."""
    connection.set_schema_to_public()
    row = Row.objects.get(pk=pk)
    row.status, row.attempts, row.started_at = Row.Status.RUNNING, row.attempts + 1, timezone.now()
    row.applied, row.failed_migration, row.error, row.finished_at = [], "", "", None
    row.save()
    started = time.perf_counter()
    begun: list[str] = []
    try:
        if _present(row):
            _migrate(row.schema_name, begun=begun, applied=row.applied)
        row.status = Row.Status.DONE
    except KeyboardInterrupt:
        row.status = Row.Status.PENDING
        raise
    except Exception as exc:
        row.status = Row.Status.FAILED
        row.error = f"{type(exc).__name__}: {exc}".strip()[:4000]
        row.failed_migration = begun[-1] if len(begun) > len(row.applied) else ""
    finally:
        row.finished_at = timezone.now()
        row.duration_ms = round((time.perf_counter() - started) * 1000)
        ContentType.objects.clear_cache()
        connection.set_schema_to_public()
        row.save()
    return pk


def _present(row: FleetMigrationSchema) -> bool:
    """Whether the schema is there to migrate. A spare handed out, or a marketplace purged,
    since the run started is done with; a marketplace without its schema is a failure."""
    if schema_exists(row.schema_name):
        return True
    if row.kind == Row.Kind.SPARE:
        return False
    if (
        row.kind == Row.Kind.MARKETPLACE
        and not Marketplace.objects.filter(schema_name=row.schema_name).exists()
    ):
        return False
    raise RuntimeError(f"The schema {row.schema_name!r} does not exist.")


# Per worker process: the rendered project state before a plan and the models after it, by
# the set of migrations applied and the plan. A fleet's schemas mostly share both, and
# rendering the ~250 models twice is most of what Django's migrate command spends per schema.
_states: dict[frozenset, ProjectState] = {}
_post_apps: dict[tuple, tuple[StateApps, ContentTypesCheck]] = {}
CACHED_STATES = 4


def _migrate(schema: str, *, begun: list[str], applied: list[str]) -> None:
    """What ``manage.py migrate`` does for one schema (django/core/management/commands/
    migrate.py, without the options the fleet does not use), with the rendered states kept
    for the next schema. ``begun`` and ``applied`` receive the migrations started and done."""
    connection.set_schema(schema, include_public=False)
    # django_migrations in this schema before anything reads it (else the public one is read).
    # Looked up by name: the recorder's own check lists every table of the schema, a scan of
    # pg_class (which has no index by schema) that costs more than the rest with 1,000 schemas.
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{quote_schema_name(schema)}.django_migrations"])
        if cursor.fetchone()[0] is None:
            MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema)
    recorded = schemas.applied_migrations(schema)
    if not schemas.expected_tenant_migrations() - recorded:
        return
    if settings.SOUK_MIGRATE_LOCK_TIMEOUT:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, false)", [settings.SOUK_MIGRATE_LOCK_TIMEOUT]
            )

    def progress(action: str, migration: Migration | None = None, fake: bool | None = None, /):
        if migration is None:
            return
        if action == "apply_start":
            begun.append(f"{migration.app_label}.{migration.name}")
        elif action == "apply_success":
            applied.append(f"{migration.app_label}.{migration.name}")

    executor = FleetExecutor(connection, progress, applied=recorded)
    executor.check_consistent_history()
    conflicts = executor.loader.detect_conflicts()
    if conflicts:
        raise RuntimeError(f"Conflicting migrations: {conflicts}; run makemigrations --merge.")
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    if not plan:
        return
    done = frozenset(executor.loader.applied_migrations)
    plan_key = (done, tuple((migration.app_label, migration.name) for migration, _ in plan))
    if done not in _states:
        if len(_states) >= CACHED_STATES:
            _states.clear()
            _post_apps.clear()
        # Django's migrate command calls this private method the same way.
        _states[done] = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    pre_state = _states[done]
    emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps, plan=plan)
    post_state = executor.migrate(targets, plan=plan, state=pre_state.clone())
    if plan_key not in _post_apps:
        post_state.clear_delayed_apps_cache()
        post_apps = post_state.apps
        with post_apps.bulk_update():
            real = [(model.app_label, model.name_lower) for model in post_apps.real_models]
            for key in real:
                post_apps.unregister_model(*key)
        post_apps.render_multiple(
            [ModelState.from_model(global_apps.get_model(*key)) for key in real]
        )
        _post_apps[plan_key] = (post_apps, ContentTypesCheck(post_apps))
    post_apps, content_types = _post_apps[plan_key]
    content_types.ensure(plan=plan)
    emit_post_migrate_signal(0, False, connection.alias, apps=post_apps, plan=plan)
