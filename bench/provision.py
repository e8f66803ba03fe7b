"""Seconds to provision one marketplace: cloning the template schema vs migrating a fresh one.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_bench     # a database of your own
    .venv/bin/python bench/provision.py [--runs 10] [--migrate-runs 10] [--scale-to 200]

Every provisioning starts on a new database connection, as a web request would. Measured:

* clone: ``tenants.schemas.clone_template`` into a new schema (the clone script read from
  the shared cache, as in a new process; ``clone_warm`` is a second clone on the same
  connection);
* create: the whole ``marketplace_create`` with no spare schema waiting (so it clones);
* spare_create: ``marketplace_create`` after a spare was cloned ahead (so it renames);
* migrate: ``CREATE SCHEMA`` + ``migrate_schemas`` for that schema, the alternative to cloning;
* clone_at_N: clone again once N marketplaces exist (the catalog is then N times larger),
  first as the catalog statistics stand, then after ``ANALYZE`` of the pg_catalog tables;
* burst: at N, ``--burst`` creations from ``--burst-threads`` threads at once with no spare
  waiting (each clones), as a burst of sign-ups that emptied the pool; its p95.

Progress goes to stderr; the last line on stdout is the machine-readable result. Everything the
script creates (schemas, marketplace rows, events, spares) is removed at the end.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import analyze_catalog, log, machine_line, median, setup_django, spread  # noqa: E402

SCHEMA_PREFIX = "benchp_"
SLUG_PREFIX = "benchp-"
PRESET = "freelancers"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each clone/create path")
    parser.add_argument(
        "--migrate-runs", type=int, default=10, help="runs of the migrate path (~50 s each)"
    )
    parser.add_argument(
        "--scale-to", type=int, default=200, help="marketplaces that exist for clone_at_N"
    )
    parser.add_argument(
        "--burst", type=int, default=20, help="creations at N from --burst-threads at once"
    )
    parser.add_argument("--burst-threads", type=int, default=2)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    setup_django(SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0")

    from django.db import connection

    from tenants import schemas
    from tenants.models import SpareSchema

    if SpareSchema.objects.exists():
        raise SystemExit(
            "bench: this database has spare schemas waiting; marketplace_create would rename "
            "one instead of cloning. Use a database of your own for benchmarks."
        )
    schemas.check_template()
    spares_before = set(schemas.spare_schema_names())
    try:
        results = run(args)
    finally:
        connection.close()
        cleanup(spares_before)
    fields = " ".join(f"{key}={value}" for key, value in results.items())
    print(machine_line(), flush=True)
    print(f"provision {fields}", flush=True)


def run(args: argparse.Namespace) -> dict[str, str]:
    from tenants.models import Marketplace

    log(f"{Marketplace.objects.count()} marketplaces exist; template has {table_count()} tables")

    clone_cold, clone_warm = time_clones(args.runs)
    log(f"clone (new connection):  {spread(clone_cold)}")
    log(f"clone (same connection): {spread(clone_warm)}")

    create = [time_create(spare=False) for _ in range(args.runs)]
    log(f"marketplace_create, clone path: {spread(create)}")
    spare_create = [time_create(spare=True) for _ in range(args.runs)]
    log(f"marketplace_create, spare path: {spread(spare_create)}")

    migrate = []
    for index in range(args.migrate_runs):
        migrate.append(time_migrate())
        log(f"migrate {index + 1}/{args.migrate_runs}: {migrate[-1]:.1f} s")
    log(f"migrate a fresh schema: {spread(migrate)}")

    fill_to(args.scale_to)
    catalog = catalog_size()
    at_scale, _ = time_clones(args.runs, warm=False)
    log(f"clone at {args.scale_to} marketplaces ({catalog}): {spread(at_scale)}")
    create_at_scale = [time_create(spare=False) for _ in range(args.runs)]
    log(f"marketplace_create at {args.scale_to}: {spread(create_at_scale)}")
    burst = time_burst(args.burst, args.burst_threads)
    log(
        f"burst of {args.burst} creations from {args.burst_threads} threads, no spare: "
        f"{spread(burst)}"
    )

    started = time.perf_counter()
    analyze_catalog()
    log(f"ANALYZE of pg_catalog took {time.perf_counter() - started:.1f} s")
    analyzed, _ = time_clones(args.runs, warm=False)
    log(f"clone at {args.scale_to} after ANALYZE: {spread(analyzed)}")

    clone_s = median(clone_cold)
    migrate_s = median(migrate) if migrate else float("nan")
    return {
        "clone_s": f"{clone_s:.2f}",
        "migrate_s": f"{migrate_s:.1f}",
        "speedup": f"{migrate_s / clone_s:.0f}" if migrate else "nan",
        f"clone_at_{args.scale_to}_s": f"{median(at_scale):.2f}",
        "clone_warm_s": f"{median(clone_warm):.2f}",
        "create_s": f"{median(create):.2f}",
        "spare_create_s": f"{median(spare_create):.2f}",
        f"create_at_{args.scale_to}_s": f"{median(create_at_scale):.2f}",
        f"clone_at_{args.scale_to}_analyzed_s": f"{median(analyzed):.2f}",
        "burst_p95_s": f"{percentile(burst, 95):.2f}" if burst else "nan",
        "migrate_runs": str(len(migrate)),
    }


def new_connection() -> None:
    """Start the next provisioning on its own connection, as a separate request would."""
    from django.db import connection

    from tenants import clone

    connection.close()
    # As a new process would: the template's clone script comes from the shared cache.
    clone._memo.clear()
    connection.ensure_connection()


def time_clones(runs: int, warm: bool = True) -> tuple[list[float], list[float]]:
    from django.db import transaction

    from tenants import schemas

    cold, second = [], []
    for _ in range(runs):
        new_connection()
        names = [f"{SCHEMA_PREFIX}clone_{secrets.token_hex(4)}" for _ in range(2 if warm else 1)]
        for index, name in enumerate(names):
            started = time.perf_counter()
            with transaction.atomic():
                schemas.clone_template(name)
            (second if index else cold).append(time.perf_counter() - started)
        expected = table_count()
        for name in names:
            if table_count(name) != expected:
                raise SystemExit(f"bench: clone {name} lacks tables of the template")
            schemas.drop_schema(name)
    return cold, second


def time_create(*, spare: bool) -> float:
    from tenants import schemas
    from tenants.services import marketplace_create

    if spare:
        new_connection()
        if schemas.refill_spare_schemas(target=1) != 1:
            raise SystemExit("bench: could not make a spare schema")
    new_connection()
    slug = f"{SLUG_PREFIX}{secrets.token_hex(4)}"
    started = time.perf_counter()
    marketplace = marketplace_create(
        preset=PRESET, name=f"Bench {slug}", owner_email=f"owner@{slug}.example", slug=slug
    )
    elapsed = time.perf_counter() - started
    if spare and schemas.spare_schema_names():
        raise SystemExit("bench: the spare path cloned instead of renaming the spare")
    if table_count(marketplace.schema_name) != table_count():
        raise SystemExit(f"bench: {marketplace.schema_name} lacks tables of the template")
    return elapsed


def time_burst(count: int, threads: int) -> list[float]:
    """``count`` marketplace_create calls from ``threads`` threads at once (as that many web
    processes would take sign-ups), the spare pool empty: each clones."""
    import threading

    from django.db import connection

    times: list[float] = []
    lock = threading.Lock()

    def work(share: int) -> None:
        try:
            for _ in range(share):
                elapsed = time_create(spare=False)
                with lock:
                    times.append(elapsed)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=work, args=(count // threads + (i < count % threads),))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if len(times) != count:
        raise SystemExit("bench: a creation of the burst failed")
    return times


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def time_migrate() -> float:
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import quote_schema_name

    from tenants import schemas

    name = f"{SCHEMA_PREFIX}mig_{secrets.token_hex(4)}"
    new_connection()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote_schema_name(name)}")
    call_command("migrate_schemas", schema_name=name, tenant=True, interactive=False, verbosity=0)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    if table_count(name) != table_count():
        raise SystemExit(f"bench: migrated {name} has not the template's tables")
    schemas.drop_schema(name)
    return elapsed


def fill_to(total: int) -> None:
    from tenants.models import Marketplace

    missing = total - Marketplace.objects.count()
    started = time.perf_counter()
    times = [time_create(spare=False) for _ in range(max(missing, 0))]
    if times:
        log(
            f"created {len(times)} marketplaces to reach {total} in "
            f"{time.perf_counter() - started:.0f} s; first {median(times[:10]):.2f} s, "
            f"last {median(times[-10:]):.2f} s (medians of 10)"
        )


def table_count(schema: str | None = None) -> int:
    from django.db import connection

    from tenants import schemas

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = %s",
            [schema or schemas.template_schema()],
        )
        return cursor.fetchone()[0]


def catalog_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_namespace), (SELECT count(*) FROM pg_class), "
            "(SELECT count(*) FROM pg_attribute)"
        )
        namespaces, relations, attributes = cursor.fetchone()
    return f"{namespaces} schemas, {relations} relations, {attributes} attributes"


def cleanup(spares_before: set[str]) -> None:
    """Drop every schema and row this script made, whatever state it stopped in."""
    from django.db import connection, transaction

    from tenants import schemas
    from tenants.models import Marketplace, MarketplaceEvent, SpareSchema

    # One transaction per schema: dropping 200 schemas at once needs more locks than the
    # server's lock table holds (max_locks_per_transaction x max_connections).
    connection.set_schema_to_public()
    marketplaces = Marketplace.objects.filter(slug__startswith=SLUG_PREFIX)
    dropped = 0
    for marketplace in marketplaces:
        with transaction.atomic():
            schemas.drop_schema(marketplace.schema_name)
            MarketplaceEvent.objects.filter(marketplace_slug=marketplace.slug).delete()
            marketplace.delete()
            dropped += 1
    MarketplaceEvent.objects.filter(marketplace_slug__startswith=SLUG_PREFIX).delete()
    spares = set(schemas.spare_schema_names()) - spares_before
    for name in spares:
        with transaction.atomic():
            schemas.drop_schema(name)
            SpareSchema.objects.filter(schema_name=name).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [SCHEMA_PREFIX]
        )
        left = [row[0] for row in cursor.fetchall()]
    for name in left:
        schemas.drop_schema(name)
    log(f"cleaned up: {dropped} marketplaces, {len(spares)} spares, {len(left)} other schemas")


if __name__ == "__main__":
    main()
