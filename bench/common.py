"""What both benchmarks share: the environment they run Django in, and small statistics."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Figures are taken as production runs: DEBUG off (DEBUG records every query, which is slower),
# whatever the shell says (`make bench` exports DJANGO_DEBUG=1 for the dev server).
BENCH_ENV = {
    "DJANGO_DEBUG": "0",
    "LOG_LEVEL": "ERROR",
    # The benchmarks talk plain http to a local server: no redirect to https.
    "DJANGO_SECURE_SSL_REDIRECT": "0",
}
# Used only where the shell sets nothing: a benchmark needs a key, not a secret one.
BENCH_DEFAULTS = {
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    # Required outside debug mode; the benchmarks' hosts are all *.localhost marketplaces.
    "SOUK_OPERATOR_HOSTS": "localhost,127.0.0.1",
    # Tasks queued by provisioning (owner welcome, spare refill) stay in this process: no
    # worker of another checkout on the same Redis picks up a task for a schema it lacks.
    "CELERY_BROKER_URL": "memory://",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def bench_environ(base: dict[str, str] | None = None) -> dict[str, str]:
    environ = dict(os.environ if base is None else base)
    for name, value in BENCH_DEFAULTS.items():
        environ.setdefault(name, value)
    environ.update(BENCH_ENV)
    return environ


def setup_django(settings_module: str = "config.settings", **extra_env: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(bench_environ())
    os.environ.update(extra_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    if "DATABASE_URL" not in os.environ:
        raise SystemExit(
            "bench: set DATABASE_URL (see scripts/devenv.py) to a database of your own; "
            "the benchmarks create and drop schemas."
        )
    _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    if settings_module == "config.settings":
        # Bring the bench database (public schema, template, existing marketplaces) up to
        # the code: a no-op when nothing is new, so a bench never runs against old tables.
        from django.core.management import call_command

        log("migrating the bench database (no-op when up to date)…")
        call_command("migrate_schemas", interactive=False, verbosity=0)


def _create_database(url: str) -> None:
    """CREATE DATABASE for the bench's own database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int, *, children: bool = False) -> float:
    """CPU seconds of process ``pid`` (user + system); ``children``: with those of its children
    that have exited and been waited for. 0 for a process that has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime + cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(data_directory: str) -> float:
    """CPU seconds of a PostgreSQL server on this machine (its postmaster, its processes, and
    its backends that have exited); 0 when the server is not local."""
    try:
        postmaster = int(Path(data_directory, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    total = process_cpu_seconds(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == postmaster:
            total += process_cpu_seconds(int(stat.parent.name))
    return total


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    """min / median / max, for the progress log."""
    if not values:
        return "not measured"
    return f"min {min(values):.3f} med {median(values):.3f} max {max(values):.3f} (n={len(values)})"


def machine_speed() -> tuple[float, float]:
    """How fast this machine runs plain PostgreSQL and Python work, so that figures from
    different machines (or from a busy and a quiet one) can be compared."""
    from django.db import connection

    pg, py = [], []
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
            cursor.fetchone()
            pg.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            sum(i * i for i in range(1_000_000))
            py.append((time.perf_counter() - started) * 1000)
        cursor.execute("RESET jit")
    return min(pg), min(py)


def machine_line() -> str:
    pg_ms, py_ms = machine_speed()
    return (
        f"machine: PostgreSQL counts 1M generated rows in {pg_ms:.0f} ms, "
        f"Python sums 1M squares in {py_ms:.0f} ms (best of 5; compare runs across machines)"
    )


def analyze_catalog() -> None:
    """ANALYZE every pg_catalog table (the statistics the catalog's queries are planned by)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace "
            "AND relkind = 'r'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'ANALYZE pg_catalog."{table}"')
