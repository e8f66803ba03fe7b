"""Souk's settings plus bench/fleet_app, a tenant app whose migration 0002 adds one column:
the one-column migration that bench/fleet.py runs over the fleet. BENCH_FLEET_COLUMN=1 is the
code with 0002 ("the new release"), anything else the code without it."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, TENANT_APPS, env

TENANT_APPS = [*TENANT_APPS, "bench.fleet_app"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.fleet_app"]
MIGRATION_MODULES = {
    "bench_fleet": "bench.fleet_app."
    + ("migrations_expand" if env("BENCH_FLEET_COLUMN", "0") == "1" else "migrations")
}
