"""A fleet of marketplaces on one PostgreSQL: creation at that size, in a burst, and migrations
over the whole fleet, sequential and parallel.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    .venv/bin/python bench/fleet.py [--marketplaces 1000] [--creations 10] [--burst 50]
        [--burst-clients 4] [--workers <cores>] [--database souk_bench_fleet] [--teardown]

It runs in a database of its own (``--database`` on DATABASE_URL's server, created when
missing) with bench/settings_fleet.py: Souk's settings plus bench/fleet_app, a tenant app whose
migration 0002 adds one nullable column. Steps:

1. grow the fleet to ``--marketplaces`` (``fleet-NNNN``, through ``marketplace_create``; kept
   for the next run, which only adds what is missing). Growing analyses pg_catalog every 100
   marketplaces so that it takes minutes, not hours; the measures below run with the
   statistics as growth (and autovacuum) left them;
2. single creations at that size, each on a new connection: ``--creations`` with the spare
   pool empty, then as many with a spare waiting (p95 of each);
3. a burst: ``--burst`` creations from ``--burst-clients`` processes at once, the spare pool
   filled to SOUK_SPARE_SCHEMAS first (p95 of each creation's time);
4. ``manage.py migrate_schemas --tenant`` over the fleet (and template) as a deploy runs it,
   in a process of its own, with 1 worker and with ``--workers``: once with nothing to apply
   (no-op), once with fleet_app's 0002 (the one-column migration), which the bench then
   contracts by hand (drops the column and its record in every schema) so that the next run
   starts from the same state.

The marketplaces of steps 2 and 3 are removed through the product's deletion and purge, the
migration runs' rows deleted. ``--teardown`` instead removes the whole fleet the same way and
drops the bench database. Progress goes to stderr; the last stdout line is the result:
``fleet marketplaces=… create_p95_s=… create_spare_p95_s=… burst_p95_s=… noop_parallel_s=…
noop_sequential_s=… migrate_parallel_s=… migrate_sequential_s=… ratio=…`` where ratio is
parallel / sequential for the one-column migration.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    analyze_catalog,
    bench_environ,
    log,
    machine_busy_seconds,
    machine_line,
    setup_django,
    spread,
)

SETTINGS = "bench.settings_fleet"
FLEET_PREFIX = "fleet-"
MEASURE_PREFIX = "fleetm-"
PRESET = "freelancers"
COLUMN_MIGRATION = ("bench_fleet", "0002_note_flag")
TABLE, COLUMN = "bench_fleet_note", "flag"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marketplaces", type=int, default=1000, help="size of the fleet")
    parser.add_argument(
        "--creations", type=int, default=10, help="single creations measured (0: none)"
    )
    parser.add_argument("--burst", type=int, default=50, help="creations in the burst (0: none)")
    parser.add_argument("--burst-clients", type=int, default=4, help="processes of the burst")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="workers of the parallel migration (default: one per core)",
    )
    parser.add_argument("--database", default="souk_bench_fleet", help="the bench's database")
    parser.add_argument(
        "--teardown", action="store_true", help="purge the fleet and drop the bench database"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("bench: set DATABASE_URL (see scripts/devenv.py); --database is used")
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{args.database}"
    setup_django(SETTINGS, SOUK_SPARE_SCHEMAS="0", BENCH_FLEET_COLUMN="0")
    from django.core.management import call_command

    if args.teardown:
        teardown(base, args.database)
        return
    log(machine_line())
    contract()  # a run stopped half-way may have left the column behind
    log("migrating the bench database (no-op when up to date)…")
    call_command("migrate_schemas", interactive=False, verbosity=0)
    results: dict[str, str] = {}
    try:
        grow(args.marketplaces)
        fleet_size = count_fleet()
        results["marketplaces"] = str(fleet_size)
        results.update(measure_creations(args))
    finally:
        remove_measured()
    results.update(measure_migrations(args, fleet_size))
    print("fleet " + " ".join(f"{key}={value}" for key, value in results.items()), flush=True)


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def new_connection() -> None:
    from django.db import connection

    connection.close()
    connection.ensure_connection()


def create(slug: str) -> float:
    from tenants.services import marketplace_create

    new_connection()
    started = time.perf_counter()
    marketplace_create(
        preset=PRESET, name=f"Bench {slug}", owner_email=f"owner@{slug}.example", slug=slug
    )
    return time.perf_counter() - started


def count_fleet() -> int:
    from tenants.models import Marketplace

    return Marketplace.objects.filter(slug__startswith=FLEET_PREFIX).count()


def grow(total: int) -> None:
    from tenants.models import Marketplace

    have = set(
        Marketplace.objects.filter(slug__startswith=FLEET_PREFIX).values_list("slug", flat=True)
    )
    missing = [
        f"{FLEET_PREFIX}{i:04d}" for i in range(total) if f"{FLEET_PREFIX}{i:04d}" not in have
    ]
    log(f"fleet: {len(have)} marketplaces exist, {len(missing)} to make")
    started, times = time.perf_counter(), []
    for index, slug in enumerate(missing, 1):
        times.append(create(slug))
        if index % 100 == 0 or index == len(missing):
            analyze_catalog()
            log(
                f"grown {index}/{len(missing)} in {time.perf_counter() - started:.0f} s; "
                f"last 100: {spread(times[-100:])}"
            )


def measure_creations(args: argparse.Namespace) -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    from tenants import schemas
    from tenants.models import SpareSchema

    schemas.drop_orphan_spares()
    for spare in SpareSchema.objects.all():
        schemas.drop_schema(spare.schema_name)
        spare.delete()
    empty = [create(f"{MEASURE_PREFIX}{secrets.token_hex(4)}") for _ in range(args.creations)]
    log(f"create, spare pool empty: {spread(empty)}")
    spare = []
    for _ in range(args.creations):
        new_connection()
        schemas.refill_spare_schemas(target=1)
        spare.append(create(f"{MEASURE_PREFIX}{secrets.token_hex(4)}"))
    log(f"create, a spare waiting: {spread(spare)}")

    if not args.burst:
        return {"create_p95_s": f"{p95(empty):.2f}", "create_spare_p95_s": f"{p95(spare):.2f}"}
    pool_size = max(settings.SOUK_SPARE_SCHEMAS, 2)
    new_connection()
    schemas.refill_spare_schemas(target=pool_size)
    connection.close()
    slugs = [f"{MEASURE_PREFIX}{secrets.token_hex(4)}" for _ in range(args.burst)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.burst_clients) as pool:
        burst = pool.map(create, slugs, chunksize=1)
    wall = time.perf_counter() - started
    log(
        f"burst of {args.burst} from {args.burst_clients} clients, {pool_size} spares waiting: "
        f"{spread(burst)}; {wall:.1f} s in all"
    )
    return {
        "create_p95_s": f"{p95(empty):.2f}",
        "create_spare_p95_s": f"{p95(spare):.2f}",
        "burst_p95_s": f"{p95(burst):.2f}",
    }


def remove_measured() -> None:
    """Delete and purge (the product's path) what the measures made; drop the spares."""
    from tenants import schemas
    from tenants.models import Marketplace, SpareSchema

    new_connection()
    made = Marketplace.objects.filter(slug__startswith=MEASURE_PREFIX)
    count = purge(made)
    for spare in SpareSchema.objects.all():
        schemas.drop_schema(spare.schema_name)
        spare.delete()
    schemas.drop_orphan_spares()
    log(f"removed {count} measured marketplaces and the spares")


def purge(marketplaces) -> int:
    from tenants.models import Marketplace, MarketplaceEvent
    from tenants.services import SystemActor, marketplace_delete, marketplace_purge

    actor = SystemActor(name="bench/fleet.py")
    count = 0
    for marketplace in marketplaces:
        if marketplace.status != Marketplace.Status.DELETED:
            marketplace = marketplace_delete(marketplace=marketplace, actor=actor)
        marketplace_purge(marketplace=marketplace, actor=actor, ignore_grace_period=True)
        MarketplaceEvent.objects.filter(marketplace_slug=marketplace.slug).delete()
        count += 1
    return count


def measure_migrations(args: argparse.Namespace, fleet_size: int) -> dict[str, str]:
    runs = {
        "noop_parallel_s": (args.workers, False),
        "noop_sequential_s": (1, False),
        "migrate_parallel_s": (args.workers, True),
        "migrate_sequential_s": (1, True),
    }
    results: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name, (workers, column) in runs.items():
        seconds[name] = migrate_fleet(workers=workers, column=column, fleet_size=fleet_size)
        results[name] = f"{seconds[name]:.1f}"
        if column:
            contract()
    results["ratio"] = f"{seconds['migrate_parallel_s'] / seconds['migrate_sequential_s']:.2f}"
    return results


def migrate_fleet(*, workers: int, column: bool, fleet_size: int) -> float:
    """``migrate_schemas --tenant`` in a process of its own, as a deploy's release step runs it
    (its start-up included); checks every schema got the column when one is added."""
    from django.db import connection

    from tenants.models import FleetMigration

    env = bench_environ()
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, BENCH_FLEET_COLUMN="1" if column else "0")
    command = [sys.executable, str(ROOT / "manage.py"), "migrate_schemas", "--noinput"]
    command += ["--tenant", "--new-run", "--workers", str(workers), "-v", "1"]
    what = "one-column" if column else "no-op"
    log(f"{what} migration over the fleet, {workers} worker(s)…")
    busy_before, children_before = machine_busy_seconds(), children_cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    busy = machine_busy_seconds() - busy_before
    python = children_cpu_seconds() - children_before
    if done.returncode != 0:
        raise SystemExit(
            f"bench: migrate_schemas failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    summary = next(line for line in done.stdout.splitlines() if " schemas: " in line).strip()
    log(f"{what}, {workers} worker(s): {elapsed:.1f} s; {summary}")
    # Why parallel cannot beat half of sequential on a machine the sequential run keeps busy.
    log(
        f"  cpu: the machine's cores busy {busy / elapsed:.2f} of {os.cpu_count()} on average "
        f"({busy:.1f} cpu-s); the command's processes {python:.1f} cpu-s, the rest PostgreSQL "
        "and the machine's other work"
    )
    migrated = int(re.search(r"(\d+) migrated", summary).group(1))  # type: ignore[union-attr]
    if column and migrated < fleet_size + 1:
        raise SystemExit(f"bench: the column reached {migrated} schemas, not {fleet_size + 1}")
    if column and schemas_with_column() < fleet_size + 1:
        raise SystemExit("bench: schemas lack the column after the migration")
    new_connection()
    FleetMigration.objects.all().delete()
    connection.close()
    return elapsed


def children_cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def schemas_with_column() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [TABLE, COLUMN],
        )
        return cursor.fetchone()[0]


def contract() -> None:
    """Undo the one-column migration in every schema by hand: drop the column and forget the
    migration, 100 schemas per transaction (a lock per table, within the lock table's size)."""
    from django.db import connection, transaction

    new_connection()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [TABLE, COLUMN],
        )
        names = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(names), 100):
        with transaction.atomic(), connection.cursor() as cursor:
            for schema in names[start : start + 100]:
                cursor.execute(f'ALTER TABLE "{schema}".{TABLE} DROP COLUMN {COLUMN}')
                cursor.execute(
                    f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                    list(COLUMN_MIGRATION),
                )
    if names:
        log(f"contracted the one-column migration in {len(names)} schemas")


def teardown(base_url: str, database: str) -> None:
    """Purge every marketplace (the product's deletion path: files, schema, rows), then drop
    the bench database."""
    import psycopg
    from django.db import connection
    from psycopg import sql

    from tenants.models import Marketplace

    started = time.perf_counter()
    count = purge(Marketplace.objects.all())
    log(f"purged {count} marketplaces in {time.perf_counter() - started:.0f} s")
    connection.close()
    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
    log(f"dropped database {database}")
    print(f"fleet teardown purged={count}", flush=True)


if __name__ == "__main__":
    main()
