"""Moving a marketplace to another cell, with a short read-only window and no lost write.

``marketplace_move`` runs in the source cell (``manage.py marketplace_move <slug> --to <cell>``,
with SOUK_CELLS_FILE giving every cell's database, Redis and storages):

1. Checks: the target's public schema and template have exactly this cell's migrations (and
   the marketplace's schema has them too), and the target has no marketplace, schema or
   domain of the same name.
2. While the marketplace still takes writes: its schema's structure and its files are copied.
3. The read-only window. Its status becomes ``moving``: every process answers writes with 503
   ``marketplace_read_only`` (Retry-After) as soon as it hears the routing invalidation. The
   move waits for the transactions already writing to the schema to finish, then puts a
   trigger refusing writes (SQLSTATE 25006) on each of its tables, under a lock that those
   transactions' locks would block: from its commit on, no write to the schema can succeed,
   whatever a process had cached. The rows, indexes and constraints are copied in one
   snapshot, files changed meanwhile are copied again, and the copy is checked: the same rows
   per table, the same sequence positions, the target's owner.
4. The switch: the target gets the marketplace and domain rows (active) and drops its routes
   for them; then this cell replaces them with routes to the target and every other cell gets
   those routes too. Each cell's routing cache hears it through its own Redis.
5. This cell drops its copy (schema and files). The check in 3 is the confirmation.

A failure before the switch undoes the move: the target's copy is dropped, the triggers
removed and the marketplace is active here again. Writes refused meanwhile were not written.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import psycopg
import redis
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import quote_schema_name
from psycopg.types.json import Jsonb

from config.errors import StateConflict
from tenants import cells, schemas
from tenants.db import connection
from tenants.models import CellRoute, Marketplace, MarketplaceEvent
from tenants.services import move_copy
from tenants.services.files import schema_files_delete
from tenants.services.move_copy import READ_ONLY_TRIGGER

logger = logging.getLogger(__name__)

LOCK_ATTEMPTS = 3


class MoveRefused(StateConflict):
    code = "move_refused"


@dataclass
class MoveReport:
    slug: str
    source: str
    target: str
    tables: int = 0
    files: int = 0
    read_only_s: float = 0.0
    total_s: float = 0.0
    warnings: list[str] = field(default_factory=list)


def marketplace_move(*, marketplace: Marketplace, to: str, actor: str) -> MoveReport:
    here = cells.this_cell()
    if not here:
        raise MoveRefused(_("This deployment is not a cell: set SOUK_CELL."))
    if to == here:
        raise MoveRefused(_("The marketplace is already in this cell."))
    target = cells.cell(to)
    connection.set_schema_to_public()
    marketplace = Marketplace.objects.get(pk=marketplace.pk)
    if marketplace.status != Marketplace.Status.ACTIVE:
        raise MoveRefused(_("Only an active marketplace can be moved."))
    schema = marketplace.schema_name
    domains = list(marketplace.domains.order_by("domain").values("domain", "is_primary"))
    report = MoveReport(slug=marketplace.slug, source=here, target=to)
    started = time.monotonic()
    with (
        move_copy.source_connect() as source,
        psycopg.connect(target.database_url, autocommit=True) as dest,
    ):
        _check_target(marketplace, domains, source, dest)
        move_copy.schema_copy(schema=schema, target=target, sections=("pre-data",))
        try:
            report.files = move_copy.files_copy(schema=schema, target=target)
            window = time.monotonic()
            _freeze(marketplace)
            try:
                move_copy.schema_copy(schema=schema, target=target, sections=("data", "post-data"))
                report.files += move_copy.files_copy(schema=schema, target=target)
                counted = move_copy.copy_verify(schema=schema, source=source, dest=dest)
                report.tables = sum(key.startswith("rows:") for key in counted)
                move_copy.ownership_check(schema=schema, dest=dest)
                marketplace = Marketplace.objects.get(pk=marketplace.pk)  # as it is now
                _switch_target(marketplace, domains, dest, here, actor)
            except BaseException:
                _thaw(marketplace)
                raise
        except BaseException:
            move_copy.copy_drop_there(schema=schema, dest=dest, target=target)
            raise
    _publish(target)
    _switch_source(marketplace, domains, to, actor)
    report.read_only_s = time.monotonic() - window
    report.warnings += _point_other_cells(marketplace.slug, domains, to, {here, to})
    schema_files_delete(schema_name=schema)
    schemas.drop_schema(schema)
    report.total_s = time.monotonic() - started
    return report


def marketplace_move_abort(*, marketplace: Marketplace, to: str = "") -> None:
    """Undo a move whose process died between the freeze and the switch (the marketplace is
    left ``moving``): writable and active here again, and, with ``to``, the copy in that cell
    dropped unless that cell already serves the marketplace (then the move went through:
    finish the switch instead)."""
    connection.set_schema_to_public()
    marketplace = Marketplace.objects.get(pk=marketplace.pk)
    if marketplace.status != Marketplace.Status.MOVING:
        raise MoveRefused(_("The marketplace is not being moved."))
    if to:
        target = cells.cell(to)
        with psycopg.connect(target.database_url, autocommit=True) as dest:
            if dest.execute(
                "SELECT 1 FROM public.tenants_marketplace WHERE schema_name = %s",
                [marketplace.schema_name],
            ).fetchone():
                raise MoveRefused(_("The target cell serves the marketplace already."))
            move_copy.copy_drop_there(schema=marketplace.schema_name, dest=dest, target=target)
    _thaw(marketplace)


def _check_target(marketplace, domains, source, dest) -> None:
    problems = move_copy.migrations_differ(schema=marketplace.schema_name, source=source, dest=dest)
    taken = dest.execute(
        "SELECT slug FROM public.tenants_marketplace WHERE slug = %s OR schema_name = %s "
        "UNION ALL SELECT nspname FROM pg_namespace WHERE nspname = %s "
        "UNION ALL SELECT domain FROM public.tenants_domain WHERE domain = ANY(%s)",
        [
            marketplace.slug,
            marketplace.schema_name,
            marketplace.schema_name,
            [d["domain"] for d in domains],
        ],
    ).fetchall()
    if taken:
        problems.append(f"the target has {', '.join(sorted({row[0] for row in taken}))} already")
    if problems:
        raise MoveRefused(
            _("The marketplace cannot move there: %(problems)s.")
            % {"problems": "; ".join(problems)}
        )


def _set_status(marketplace: Marketplace, status: str, expected: str) -> None:
    connection.set_schema_to_public()
    with transaction.atomic():
        locked = Marketplace.objects.select_for_update().get(pk=marketplace.pk)
        if locked.status != expected:
            raise MoveRefused(
                _("The marketplace became %(status)s meanwhile.") % {"status": locked.status}
            )
        locked.status = status
        # Saving publishes the routing invalidation on commit: every process learns of it.
        locked.save(update_fields=["status", "updated_at"])


def _freeze(marketplace: Marketplace) -> None:
    """Make the schema read-only once the writes already under way have finished."""
    _set_status(marketplace, Marketplace.Status.MOVING, Marketplace.Status.ACTIVE)
    schema = marketplace.schema_name
    deadline = time.monotonic() + settings.SOUK_MOVE_DRAIN_S
    # Requests that passed the routing check before the news keep writing for a moment: let
    # them finish before taking a lock their next statement would queue behind.
    while _writers(schema) and time.monotonic() < deadline:
        time.sleep(0.02)
    for attempt in range(LOCK_ATTEMPTS):
        wait_ms = max(int((deadline - time.monotonic()) * 1000), 500)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                tables = move_copy.tables_of(cursor, schema)
                quoted = [f"{quote_schema_name(schema)}.{quote_schema_name(t)}" for t in tables]
                cursor.execute(f"SET LOCAL lock_timeout = {wait_ms}")
                # SHARE ROW EXCLUSIVE waits for every transaction holding a write lock on
                # these tables and keeps new ones out until the triggers are in place.
                cursor.execute(f"LOCK TABLE {', '.join(quoted)} IN SHARE ROW EXCLUSIVE MODE")
                for table in quoted:
                    cursor.execute(
                        f"CREATE TRIGGER {READ_ONLY_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE "
                        f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                        "EXECUTE FUNCTION public.souk_refuse_write()"
                    )
            return
        except OperationalError:  # lock timeout or deadlock: no trigger was made
            logger.warning("could not freeze %s (attempt %s)", schema, attempt + 1)
    raise MoveRefused(
        _("Transactions writing to the marketplace did not finish; it stays here, writable.")
    )


def _writers(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()",
            [schema],
        )
        return cursor.fetchone()[0]


def _thaw(marketplace: Marketplace) -> None:
    """Undo ``_freeze`` after a failed move: writable and active again."""
    schema = marketplace.schema_name
    connection.set_schema_to_public()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in move_copy.tables_of(cursor, schema):
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {READ_ONLY_TRIGGER} "
                f"ON {quote_schema_name(schema)}.{quote_schema_name(table)}"
            )
    Marketplace.objects.filter(pk=marketplace.pk, status=Marketplace.Status.MOVING).update(
        status=Marketplace.Status.ACTIVE
    )
    from tenants.routing import publish_invalidation

    publish_invalidation()


_COPIED_FIELDS = [
    f for f in Marketplace._meta.concrete_fields if f.attname not in {"id", "status", "deleted_at"}
]


def _switch_target(marketplace, domains, dest: psycopg.Connection, here: str, actor: str):
    columns = [f.column for f in _COPIED_FIELDS] + ["status"]
    values = [getattr(marketplace, f.attname) for f in _COPIED_FIELDS] + ["active"]
    with dest.transaction():
        inserted = dest.execute(
            f"INSERT INTO public.tenants_marketplace ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING id",
            values,
        ).fetchone()
        assert inserted is not None
        new_id = inserted[0]
        for domain in domains:
            dest.execute(
                "INSERT INTO public.tenants_domain (domain, is_primary, tenant_id, created_at) "
                "VALUES (%s, %s, %s, now())",
                [domain["domain"], domain["is_primary"], new_id],
            )
        dest.execute(
            "DELETE FROM public.tenants_cellroute WHERE domain = ANY(%s)",
            [[d["domain"] for d in domains]],
        )
        dest.execute(
            "INSERT INTO public.tenants_marketplaceevent "
            "(marketplace_id, marketplace_slug, action, actor, data, created_at) "
            "VALUES (%s, %s, %s, %s, %s, now())",
            [new_id, marketplace.slug, "moved_in", actor, Jsonb({"from": here})],
        )


def _switch_source(marketplace, domains, to: str, actor: str) -> None:
    connection.set_schema_to_public()
    with transaction.atomic():
        for domain in domains:
            CellRoute.objects.update_or_create(
                domain=domain["domain"],
                defaults={"cell": to, "marketplace_slug": marketplace.slug},
            )
        MarketplaceEvent.objects.create(
            marketplace=None,
            marketplace_slug=marketplace.slug,
            action=MarketplaceEvent.Action.MOVED_OUT,
            actor=actor,
            data={"to": to, "schema": marketplace.schema_name, "domains": domains},
        )
        Marketplace.objects.filter(pk=marketplace.pk).delete()  # its domains go with it


def _point_other_cells(slug: str, domains, to: str, skip: set[str]) -> list[str]:
    """Give every other cell the new routes; one that cannot be reached is reported, not
    fatal: it still answers 404 (or its old route) until `cell_routes --push` reaches it."""
    warnings = []
    for other in cells.cells().values():
        if other.name in skip:
            continue
        try:
            with psycopg.connect(other.database_url, autocommit=True) as db, db.transaction():
                for domain in domains:
                    db.execute(
                        "INSERT INTO public.tenants_cellroute "
                        "(domain, cell, marketplace_slug, updated_at) VALUES (%s, %s, %s, now()) "
                        "ON CONFLICT (domain) DO UPDATE SET cell = EXCLUDED.cell, "
                        "marketplace_slug = EXCLUDED.marketplace_slug, updated_at = now()",
                        [domain["domain"], to, slug],
                    )
            _publish(other)
        except (psycopg.Error, redis.RedisError) as failed:
            warnings.append(f"cell {other.name}: {failed}")
    return warnings


def _publish(cell: cells.Cell) -> None:
    """Invalidate the routing caches of ``cell``'s processes, through its own Redis."""
    if not cell.redis_url:
        return  # its caches expire after SOUK_ROUTING_CACHE_TTL
    from tenants.routing import invalidation_channel

    client = redis.Redis.from_url(cell.redis_url)
    client.publish(invalidation_channel(cell.database_name), "all")
