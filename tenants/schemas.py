"""Schema operations behind provisioning: the template, clones, and the spare pool.

The template schema (settings.TENANT_BASE_SCHEMA) is a real, migrated schema that
``migrate_schemas`` keeps current like every marketplace's. A marketplace's schema is a
clone of it (structure and the rows of django_migrations / contenttypes / permissions:
tenants.clone), so no migration runs at provisioning time. Spare schemas are clones made
ahead of time and handed out by renaming.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import app_labels, quote_schema_name, schema_exists

from config.errors import InvalidInput
from tenants import clone
from tenants.db import connection
from tenants.models import MarketplaceEvent, SpareSchema

logger = logging.getLogger(__name__)

SPARE_PREFIX = "souk_spare_"
# Schemas no marketplace may have: PostgreSQL's own, and every souk_* one (the template, the
# spares and whatever else the platform adds later).
RESERVED_SCHEMAS = frozenset({"public", "information_schema"})
RESERVED_SCHEMA_PREFIXES = ("pg_", "souk_", SPARE_PREFIX)
# pg_advisory_xact_lock(class, key) keyspace for schema names being created.
NAME_LOCK_CLASS = 0x534B


class TemplateOutOfDate(RuntimeError):
    """The template schema lacks migrations the code has: run migrate_schemas first."""


class SchemaExists(InvalidInput):
    """The destination schema exists already: a marketplace is never made inside it."""

    code = "schema_exists"

    def __init__(self, schema: str):
        super().__init__(
            _("A schema named %(schema)s already exists; no marketplace can be made in it.")
            % {"schema": repr(schema)},
            details={
                "slug": _("Its schema %(schema)s exists already; choose another slug.")
                % {"schema": repr(schema)}
            },
        )
        self.schema = schema


def template_schema() -> str:
    return settings.TENANT_BASE_SCHEMA


def is_reserved(schema: str) -> bool:
    return (
        schema in RESERVED_SCHEMAS
        or schema == template_schema()
        or schema.startswith(RESERVED_SCHEMA_PREFIXES)
    )


def refuse_existing(schema: str) -> None:
    """Raise SchemaExists if ``schema`` exists. Call inside the transaction that creates it.

    A transaction-level lock on the name makes a concurrent creation of the same name wait
    for this transaction's end; it then sees the schema (read committed) and is refused.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [NAME_LOCK_CLASS, schema])
        cursor.execute("SELECT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = %s)", [schema])
        if cursor.fetchone()[0]:
            raise SchemaExists(schema)


@cache
def expected_tenant_migrations() -> frozenset[tuple[str, str]]:
    tenant_labels = set(app_labels(settings.TENANT_APPS))
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return frozenset(node for node in graph.nodes if node[0] in tenant_labels)


def applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {quote_schema_name(schema)}.django_migrations")
        return set(cursor.fetchall())


def missing_migrations(schema: str) -> set[tuple[str, str]]:
    if not schema_exists(schema):
        return set(expected_tenant_migrations())
    return set(expected_tenant_migrations()) - applied_migrations(schema)


def _template_applied() -> tuple[str, set[tuple[str, str]]]:
    """The template schema's name and its applied migrations (none when it does not exist)."""
    template = template_schema()
    return template, applied_migrations(template) if schema_exists(template) else set()


def check_template() -> None:
    _refuse_stale_template(_template_applied()[1])


def _refuse_stale_template(applied: set[tuple[str, str]]) -> None:
    missing = set(expected_tenant_migrations()) - applied
    if missing:
        names = ", ".join(f"{app}.{name}" for app, name in sorted(missing)[:5])
        raise TemplateOutOfDate(
            f"The template schema {template_schema()!r} lacks {len(missing)} migration(s) "
            f"({names}…); run `manage.py migrate_schemas`."
        )


def clone_template(new_schema: str) -> None:
    """Create ``new_schema`` as a copy of the template (tenants.clone). Transactional: a
    rollback undoes it. Refuses a schema that exists and a template that lags the code."""
    connection.set_schema_to_public()
    template, applied = _template_applied()
    _refuse_stale_template(applied)
    refuse_existing(new_schema)
    clone.clone(clone.template_ddl(template, applied), new_schema)
    connection.set_schema_to_public()


def clone_script_prepare() -> None:
    """Derive and cache the template's clone script now (a no-op when it is cached): after a
    migration of the template, so that the first sign-up does not wait for the derivation."""
    connection.set_schema_to_public()
    template, applied = _template_applied()
    if not set(expected_tenant_migrations()) - applied:  # else clone_template refuses it
        clone.template_ddl(template, applied)


def rename_schema(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {quote_schema_name(old)} RENAME TO {quote_schema_name(new)}")


def drop_schema(name: str) -> None:
    with connection.cursor() as cursor:
        # Deferred foreign-key checks queued in this transaction must run before their
        # tables can be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(name)} CASCADE")


def claim_spare_schema(new_schema: str) -> bool:
    """Turn a current spare schema into ``new_schema``. Call inside the provisioning transaction."""
    refuse_existing(new_schema)
    expected = expected_tenant_migrations()
    for spare in SpareSchema.objects.select_for_update(skip_locked=True).order_by("pk")[:3]:
        spare.delete()
        if not schema_exists(spare.schema_name):
            continue
        if expected - applied_migrations(spare.schema_name):
            drop_schema(spare.schema_name)
            continue
        rename_schema(spare.schema_name, new_schema)
        return True
    return False


def spare_schema_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            [SPARE_PREFIX + "%"],
        )
        return [row[0] for row in cursor.fetchall()]


REFILL_LOCK_KEY = 0x50_55_4B_01  # pg advisory lock: one refill at a time across processes


def spare_pool_target(now: datetime | None = None) -> int:
    """How many spares to keep: as many as marketplaces were created in the last
    SOUK_SPARE_SCHEMAS_WINDOW_S (the next window is expected to be like the last one), at
    least SOUK_SPARE_SCHEMAS and at most SOUK_SPARE_SCHEMAS_MAX."""
    floor = settings.SOUK_SPARE_SCHEMAS
    ceiling = max(floor, settings.SOUK_SPARE_SCHEMAS_MAX)
    now = now or timezone.now()
    recent = MarketplaceEvent.objects.filter(
        action=MarketplaceEvent.Action.CREATED,
        created_at__gt=now - timedelta(seconds=settings.SOUK_SPARE_SCHEMAS_WINDOW_S),
        created_at__lte=now,
    ).count()
    return min(ceiling, max(floor, recent))


def refill_spare_schemas(target: int | None = None) -> int:
    """Bring the spare pool to ``target`` (default: spare_pool_target()): clone what is
    missing, drop the surplus and any orphan. Returns how many spares were made."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFILL_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0  # another process is refilling
        try:
            drop_orphan_spares()
            analyze_catalog_if_grown()
            target = spare_pool_target() if target is None else target
            made = 0
            while SpareSchema.objects.count() < target:
                name = SPARE_PREFIX + secrets.token_hex(6)
                with transaction.atomic():
                    clone_template(name)
                    SpareSchema.objects.create(schema_name=name)
                made += 1
            _drop_surplus_spares(target)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFILL_LOCK_KEY])
    return made


def _drop_surplus_spares(target: int) -> None:
    surplus = SpareSchema.objects.count() - target
    for _attempt in range(max(surplus, 0)):
        with transaction.atomic():
            # Newest first; a spare being claimed right now is locked and skipped.
            spare = SpareSchema.objects.select_for_update(skip_locked=True).order_by("-pk").first()
            if spare is None:
                return
            drop_schema(spare.schema_name)
            spare.delete()


def drop_orphan_spares() -> int:
    """Drop spare schemas that lost their row (a crash of an older version, a row deleted by
    hand). A spare and its row are always committed together, so none is dropped mid-clone."""
    known = set(SpareSchema.objects.values_list("schema_name", flat=True))
    orphans = [name for name in spare_schema_names() if name not in known]
    for name in orphans:
        with transaction.atomic():
            drop_schema(name)
    return len(orphans)


# The catalogs provisioning, migrations and the operator's queries read. Their statistics go
# stale as the fleet grows faster than autovacuum looks (a burst of sign-ups, a bench), and
# plans over them turn into nested scans of the whole catalog.
CATALOG_TABLES = (
    "pg_namespace", "pg_class", "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index",
    "pg_depend", "pg_type", "pg_trigger", "pg_sequence", "pg_description", "pg_proc",
)  # fmt: skip


def analyze_catalog_if_grown(growth: float = 0.2) -> bool:
    """ANALYZE the catalogs once pg_class has grown by ``growth`` since its statistics were
    taken. Cheap (sampled; a second or less at a thousand schemas) and never blocking: it gives
    up on a lock it cannot take at once, and on a role not allowed to analyse the catalogs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_class), reltuples FROM pg_class "
            "WHERE oid = 'pg_class'::regclass"
        )
        rows, estimated = cursor.fetchone()
        if estimated >= 0 and rows <= estimated * (1 + growth):
            return False
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL lock_timeout = '1s'")
                for table in CATALOG_TABLES:
                    cursor.execute(f"ANALYZE pg_catalog.{table}")
        except DatabaseError as exc:
            logger.warning("could not ANALYZE the catalog: %s", exc)
            return False
    return True
