"""One migrated template database for the suite's parallel workers.

Each pytest-xdist worker has a test database of its own (pytest-django names it
``test_souk_gw0``, ``test_souk_gw1``, ...). Migrating one costs minutes: the public schema, then
every tenant app's migrations into the template schema that marketplaces are cloned from. So
the first worker migrates one database, ``<test name>_template``, under a file lock, while the
others wait; then every worker's database is created from it (``CREATE DATABASE ... TEMPLATE``,
a file copy of seconds), and Django's migrate finds nothing left to do.

The template is made once per run (xdist gives its workers one run id); ``--reuse-db`` reuses
the last run's. It is left in place afterwards, as ``--reuse-db`` leaves test databases.

Most of migrating the public schema was dj-stripe's history: its second migration alone removes
514 fields, and Django renders the models' state again for each. The suite creates dj-stripe's
tables from one migration made from its current models instead (``tests/support/
djstripe_migrations``, ``makemigrations djstripe`` with that module): about 15 s where the
history took three minutes. Deployments keep dj-stripe's own migrations; tests/test_migrations.py
fails when the two no longer give the same tables (a dj-stripe upgrade: make the module again).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections

TEMPLATE_SUFFIX = "_template"
DJSTRIPE_MIGRATIONS = "tests.support.djstripe_migrations"


def migration_modules_for_tests() -> dict[str, str | None]:
    """settings.MIGRATION_MODULES for the test databases: dj-stripe's from its models."""
    return {**getattr(settings, "MIGRATION_MODULES", {}), "djstripe": DJSTRIPE_MIGRATIONS}


@contextlib.contextmanager
def _locked(name: str) -> Iterator[Path]:
    """An exclusive lock named after the database and its server, and a stamp file beside it."""
    database = settings.DATABASES["default"]
    key = f"souk-{database.get('HOST') or 'local'}-{database.get('PORT') or 5432}-{name}"
    lock = Path(tempfile.gettempdir()) / f"{key}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield lock.with_suffix(".run")
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _exists(name: str) -> bool:
    with connections["default"].creation._nodb_cursor() as cursor:
        return connections["default"].creation._database_exists(cursor, name)


def template_database_use(*, base_name: str, keepdb: bool) -> None:
    """Make (once per run) the migrated template ``<base_name>_template`` and have the test
    database that pytest-django creates next be copied from it."""
    connection = connections["default"]
    name = base_name + TEMPLATE_SUFFIX
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    with _locked(name) as stamp:
        made_this_run = stamp.exists() and stamp.read_text() == run
        if not made_this_run and not (keepdb and _exists(name)):
            original = connection.settings_dict["NAME"]
            test = connection.settings_dict["TEST"]
            own_name, test["NAME"] = test.get("NAME"), name
            try:
                connection.creation.create_test_db(
                    verbosity=0, autoclobber=True, serialize=False, keepdb=False
                )
            finally:
                connection.close()
                test["NAME"] = own_name
                # (settings.DATABASES["default"] is this same dict.)
                connection.settings_dict["NAME"] = original
            stamp.write_text(run)
    connection.settings_dict["TEST"]["TEMPLATE"] = name
