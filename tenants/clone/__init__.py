"""Cloning the template schema: a script derived once from it, then run for each new schema.

django-tenants' PL/pgSQL ``clone_schema()`` read the template through information_schema on
every clone (4.6 s once 200 marketplaces filled the catalog, until its statistics were taken
again) and created and dropped types in ``public`` (so concurrent clones waited for each
other's commit). This clone does neither:

* ``derive()`` reads the template's catalog once per template state and writes one SQL script
  in which the only schema named is the template, as the source. It is derived with
  ``search_path = <template>, public``, so PostgreSQL prints the template's own objects
  unqualified (and others, such as pg_trgm's operator classes in ``public``, qualified where
  needed); run with ``search_path = <new schema>, public`` it makes them in the new schema:
  functions; sequences; tables by ``LIKE <template>.<table>``, which copies columns, defaults,
  identities, generated columns, CHECK constraints and indexes (primary keys, unique and
  exclusion constraints included) as the template's parsed expressions, not as text parsed
  again; the renames that give LIKE's indexes, constraints and identity sequences the
  template's names (LIKE names them anew; a trial run in a rolled-back schema tells how);
  the template's rows (django_migrations, contenttypes, permissions) and sequence values;
  foreign keys; comments; triggers.
* What it cannot copy faithfully (views, types, policies, rules, partitions, privileges,
  functions naming the template…) makes the derivation fail, naming it: tests clone a freshly
  migrated template (tests/tenants/test_clone_fidelity.py), so a migration adding such a thing
  fails there first, not at a customer's sign-up.
* The script is cached in the process and in the shared cache under the template's
  fingerprint: its oid, its applied migrations and the generation stamped on it each time
  migrate runs on it (a comment on the schema: ``stamp_template``, from tenants.apps), and
  the derivation code's own hash. A clone
  then costs a few look-ups by index plus the script, whatever the size of the catalog or
  the age of its statistics.
* Everything it creates lives in the new schema, so clones in concurrent transactions do not
  wait for each other (tests/tenants/test_parallel_provisioning.py).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import quote_schema_name

from tenants.clone import derive as derive_module
from tenants.clone.derive import TemplateNotClonable, derive
from tenants.db import connection

__all__ = ["TemplateNotClonable", "clone", "derive", "stamp_template", "template_ddl"]

CACHE_KEY = "souk:template-ddl:v1:{}"
CACHE_SECONDS = 7 * 24 * 3600
GENERATION_PREFIX = "souk template generation "
_memo: dict[str, str] = {}
# A script is only as good as the code that derived it: a release that changes it derives anew.
_DERIVATION_CODE = hashlib.sha256(Path(derive_module.__file__).read_bytes()).hexdigest()[:12]
logger = logging.getLogger(__name__)


def fingerprint(template: str, applied: Iterable[tuple[str, str]]) -> str:
    """What the cached script depends on. Raises LookupError if the template does not exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), oid, coalesce(obj_description(oid, 'pg_namespace'), '') "
            "FROM pg_namespace WHERE nspname = %s",
            [template],
        )
        row = cursor.fetchone()
    if row is None:
        raise LookupError(template)
    migrations = hashlib.sha256(repr(sorted(applied)).encode()).hexdigest()[:16]
    stamp = row[2].removeprefix(GENERATION_PREFIX)
    return f"{row[0]}:{template}:{row[1]}:{stamp}:{migrations}:{_DERIVATION_CODE}"


def template_ddl(template: str, applied: Iterable[tuple[str, str]]) -> str:
    """The script that remakes ``template`` in the first schema of the search path."""
    key = fingerprint(template, applied)
    script = _memo.get(key)
    if script is None:
        cache_key = CACHE_KEY.format(hashlib.sha256(key.encode()).hexdigest())
        try:
            script = cache.get(cache_key)
        except Exception:  # the cache is a shortcut: without Redis, derive (slower, correct)
            logger.warning("the clone script could not be read from the cache", exc_info=True)
        if script is None:
            script = derive(template)
            try:
                cache.set(cache_key, script, CACHE_SECONDS)
            except Exception:
                logger.warning("the clone script could not be cached", exc_info=True)
        _memo.clear()
        _memo[key] = script
    return script


def clone(script: str, new_schema: str) -> None:
    """Create ``new_schema`` and run the template's script in it, in one (sub)transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('search_path'), current_setting('check_function_bodies')"
        )
        search_path, check_bodies = cursor.fetchone()
        cursor.execute(f"CREATE SCHEMA {quote_schema_name(new_schema)}")
        cursor.execute(
            "SELECT set_config('search_path', %s, true), "
            "set_config('check_function_bodies', 'off', true)",
            [f"{quote_schema_name(new_schema)}, public"],
        )
        cursor.execute(script)
        cursor.execute(
            "SELECT set_config('search_path', %s, true), "
            "set_config('check_function_bodies', %s, true)",
            [search_path, check_bodies],
        )


def stamp_template(template: str) -> None:
    """Mark the template as changed (migrate_schemas ran on it): cached scripts are stale."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"COMMENT ON SCHEMA {quote_schema_name(template)} IS %s",
            [GENERATION_PREFIX + uuid.uuid4().hex],
        )
