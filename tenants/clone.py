"""Cloning the template schema: its DDL derived once, then replayed under each new name.

django-tenants' PL/pgSQL ``clone_schema()`` read the template through information_schema on
every clone (seconds once a thousand schemas fill the catalog and its statistics lag) and
created and dropped shared types in ``public`` (so concurrent clones waited for each other).
This clone does neither:

* ``template_ddl()`` reads the template's catalog once per template state and writes one SQL
  script, free of schema names: it is derived with ``search_path = <template>, public``, so
  PostgreSQL prints every object of the template unqualified (and anything elsewhere, such as
  pg_trgm's operator classes in ``public``, qualified when needed). Executed with
  ``search_path = <new schema>, public`` the same text makes the same objects in the new
  schema: tables with their columns, defaults, identities, generated columns and non-foreign
  key constraints, under the template's names; the template's rows (django_migrations,
  contenttypes, permissions); sequence values; indexes; foreign keys; functions; triggers;
  table and column comments. What it cannot copy faithfully (views, types, policies, rules,
  inheritance, privileges…) makes the derivation fail loudly: tests clone a freshly migrated
  template (tests/tenants/test_clone_fidelity.py), so a migration adding such a thing fails
  there first, not at a customer's sign-up.
* The script is cached in the process and in the shared cache under the template's
  fingerprint: its namespace oid, the generation ``migrate_schemas`` stamps on it (a comment
  on the schema, renewed on each run: ``stamp_template``) and its applied migrations. A clone
  then costs a handful of indexed catalog look-ups plus the script, whatever the size of the
  catalog or the age of its statistics.
* Everything it creates lives in the new schema, so clones in concurrent transactions do not
  wait for each other (tests/tenants/test_parallel_provisioning.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import quote_schema_name

from tenants.db import connection

CACHE_KEY = "souk:template-ddl:v1:{}"
CACHE_SECONDS = 7 * 24 * 3600
GENERATION_PREFIX = "souk template generation "
_memo: dict[str, str] = {}


class TemplateNotClonable(RuntimeError):
    """The template holds something this clone cannot copy faithfully."""


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
    return f"{row[0]}:{template}:{row[1]}:{row[2].removeprefix(GENERATION_PREFIX)}:{migrations}"


def template_ddl(template: str, applied: Iterable[tuple[str, str]]) -> str:
    """The script that remakes ``template`` in the first schema of the search path."""
    key = fingerprint(template, applied)
    script = _memo.get(key)
    if script is None:
        cache_key = CACHE_KEY.format(hashlib.sha256(key.encode()).hexdigest())
        script = cache.get(cache_key)
        if script is None:
            script = derive(template)
            cache.set(cache_key, script, CACHE_SECONDS)
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


# --- Derivation -------------------------------------------------------------------------
# Each query looks rows up by the template's oids, through the catalogs' own indexes where
# they have one (pg_attribute, pg_constraint, pg_index, pg_trigger, pg_depend, pg_sequence).

_RELATIONS = """
    SELECT c.oid, quote_ident(c.relname), c.relkind::text, c.relpersistence::text,
           array_to_string(c.reloptions, ', '), c.relrowsecurity, c.relreplident::text,
           c.relacl IS NOT NULL, c.relispartition, quote_literal(obj_description(c.oid, 'pg_class'))
    FROM pg_class c WHERE c.relnamespace = %s ORDER BY c.relname
"""
_COLUMNS = """
    SELECT a.attrelid, a.attnum, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
           a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text,
           a.attgenerated::text,
           CASE WHEN a.attcollation <> t.typcollation
                THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
           coalesce(a.attstattarget, -1), a.attstorage <> t.typstorage, a.attcompression::text,
           a.attacl IS NOT NULL, quote_literal(col_description(a.attrelid, a.attnum))
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
    WHERE a.attrelid = ANY(%s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
"""
_SEQUENCES = """
    SELECT s.seqrelid, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax,
           s.seqmin, s.seqcache, s.seqcycle, d.refobjid, d.refobjsubid, d.deptype::text
    FROM pg_sequence s
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
         AND d.objsubid = 0 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    WHERE s.seqrelid = ANY(%s::oid[])
"""
_CONSTRAINTS = """
    SELECT con.conrelid, quote_ident(con.conname), con.contype::text,
           pg_get_constraintdef(con.oid), con.conindid, con.convalidated
    FROM pg_constraint con WHERE con.conrelid = ANY(%s::oid[]) AND con.contype NOT IN ('t', 'n')
    ORDER BY con.conrelid, con.conname
"""
_INDEXES = """
    SELECT i.indrelid, i.indexrelid, pg_get_indexdef(i.indexrelid, 0, true),
           i.indisclustered OR i.indisreplident OR NOT i.indisvalid
    FROM pg_index i WHERE i.indrelid = ANY(%s::oid[])
"""
_TRIGGERS = """
    SELECT pg_get_triggerdef(t.oid, true), t.tgenabled::text
    FROM pg_trigger t WHERE t.tgrelid = ANY(%s::oid[]) AND NOT t.tgisinternal ORDER BY t.tgname
"""
_FUNCTIONS = """
    SELECT p.oid, p.proname, p.prokind::text, p.proacl IS NOT NULL,
           CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END
    FROM pg_proc p WHERE p.pronamespace = %s ORDER BY p.proname, p.oid
"""
_OTHER_OBJECTS = """
    SELECT 'type ' || t.typname FROM pg_type t
    WHERE t.typnamespace = %(nsp)s AND t.typtype <> 'c' AND t.typcategory <> 'A'
    UNION ALL SELECT 'statistics ' || stxname FROM pg_statistic_ext WHERE stxnamespace = %(nsp)s
    UNION ALL SELECT 'policy ' || polname FROM pg_policy WHERE polrelid = ANY(%(tables)s::oid[])
    UNION ALL SELECT 'rule ' || rulename FROM pg_rewrite WHERE ev_class = ANY(%(tables)s::oid[])
    UNION ALL SELECT 'inheritance' FROM pg_inherits
        WHERE inhrelid = ANY(%(tables)s::oid[]) OR inhparent = ANY(%(tables)s::oid[])
    UNION ALL SELECT 'collation ' || collname FROM pg_collation WHERE collnamespace = %(nsp)s
    UNION ALL SELECT 'operator ' || oprname FROM pg_operator WHERE oprnamespace = %(nsp)s
"""


def derive(template: str) -> str:
    """Read the template's catalog and write the script (see the module's docstring)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        (search_path,) = cursor.fetchone()
        cursor.execute(
            "SELECT set_config('search_path', %s, true)", [f"{quote_schema_name(template)}, public"]
        )
        cursor.execute(
            "SELECT oid, quote_ident(nspname) FROM pg_namespace WHERE nspname = %s", [template]
        )
        namespace, quoted = cursor.fetchone()
        try:
            return _Derivation(cursor, template, quoted, namespace).script()
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])


class _Derivation:
    def __init__(self, cursor, template: str, quoted: str, namespace: int):
        self.cursor = cursor
        self.template = template
        self.source = quoted
        self.namespace = namespace
        self.unsupported: list[str] = []

    def fetch(self, query: str, params) -> list[tuple]:
        self.cursor.execute(query, params)
        return self.cursor.fetchall()

    def refuse(self, what: str) -> None:
        self.unsupported.append(what)

    def script(self) -> str:
        relations = self.fetch(_RELATIONS, [self.namespace])
        names = {row[0]: row[1] for row in relations}
        tables = [row for row in relations if row[2] == "r"]
        sequences = [row[0] for row in relations if row[2] == "S"]
        for _oid, name, kind, persistence, _, rls, replident, acl, partition, comment in relations:
            if kind not in ("r", "S", "i"):
                self.refuse(f"relation {name} of kind {kind!r}")
            elif kind != "r" and comment:
                self.refuse(f"comment on {name}")
            if rls or replident not in ("d", "n") or acl or partition or persistence == "t":
                self.refuse(f"{name}: row security, replica identity, privileges or partitions")
        table_oids = [row[0] for row in tables]
        self.unsupported.extend(
            row[0]
            for row in self.fetch(_OTHER_OBJECTS, {"nsp": self.namespace, "tables": table_oids})
        )

        columns: dict[int, list[tuple]] = defaultdict(list)
        for row in self.fetch(_COLUMNS, [table_oids]):
            columns[row[0]].append(row)
        sequence_rows = {row[0]: row for row in self.fetch(_SEQUENCES, [sequences])}
        identity_of = {(row[8], row[9]): row for row in sequence_rows.values() if row[10] == "i"}
        constraints = self.fetch(_CONSTRAINTS, [table_oids])
        constraint_indexes = {row[4] for row in constraints if row[2] in ("p", "u", "x")}

        before: list[str] = [*self.functions()]
        after: list[str] = []
        # Sequences that are not identities first: column defaults name them.
        for oid in sequences:
            row = sequence_rows[oid]
            if row[10] == "i":
                continue
            before.append(f"CREATE SEQUENCE {names[oid]} {_sequence_options(row)};")
            if row[10] == "a":
                owner_column = next(c[2] for c in columns[row[8]] if c[1] == row[9])
                after.append(
                    f"ALTER SEQUENCE {names[oid]} OWNED BY {names[row[8]]}.{owner_column};"
                )
        inline: dict[int, list[str]] = defaultdict(list)
        later: dict[int, list[str]] = defaultdict(list)
        for table, name, kind, definition, _, validated in constraints:
            clause = f"CONSTRAINT {name} {definition}"
            (inline if kind != "f" and validated else later)[table].append(clause)
        data = []
        for oid, name, _, persistence, options, *_ in tables:
            body = [self.column(names, row, identity_of) for row in columns[oid]]
            body.extend(inline[oid])
            unlogged = "UNLOGGED " if persistence == "u" else ""
            with_options = f" WITH ({options})" if options else ""
            before.append(f"CREATE {unlogged}TABLE {name} ({', '.join(body)}){with_options};")
            copied = ", ".join(row[2] for row in columns[oid] if not row[7])
            overriding = (
                " OVERRIDING SYSTEM VALUE" if any(row[6] == "a" for row in columns[oid]) else ""
            )
            data.append(
                f"INSERT INTO {name} ({copied}){overriding} "
                f"SELECT {copied} FROM {self.source}.{name};"
            )
            if later[oid]:
                after.append(
                    f"ALTER TABLE {name} "
                    + ", ".join(f"ADD {clause}" for clause in later[oid])
                    + ";"
                )
            after.extend(self.comments(name, relations, oid, columns[oid]))
            after.extend(
                f"ALTER TABLE {name} ALTER COLUMN {row[2]} SET STATISTICS {row[9]};"
                for row in columns[oid]
                if row[9] >= 0
            )
        if sequences:
            values = ", ".join(
                f"({_literal(names[oid])}, "
                f"pg_sequence_last_value({_literal(f'{self.source}.{names[oid]}')}::regclass))"
                for oid in sequences
            )
            data.append(
                f"SELECT setval(s.name::regclass, s.value) FROM (VALUES {values}) s(name, value) "
                "WHERE s.value IS NOT NULL;"
            )
        indexes = []
        for _, index, definition, odd in self.fetch(_INDEXES, [table_oids]):
            if odd:
                self.refuse(f"clustered, replica identity or invalid index: {definition}")
            if index not in constraint_indexes:
                indexes.append(f"{definition};")
        triggers = []
        for definition, enabled in self.fetch(_TRIGGERS, [table_oids]):
            if enabled != "O":
                self.refuse(f"disabled or replica trigger: {definition}")
            triggers.append(f"{definition};")
        if self.unsupported:
            raise TemplateNotClonable(
                "The template holds what tenants/clone.py cannot copy: "
                + "; ".join(sorted(set(self.unsupported)))
            )
        return "\n".join([*before, *data, *sorted(indexes), *after, *triggers])

    def column(self, names, row, identity_of) -> str:
        (table, number, name, type_, not_null, default, identity, generated, collation,
         _, odd_storage, compression, acl, _) = row  # fmt: skip
        if odd_storage or compression or acl:
            self.refuse(f"column {names[table]}.{name}: storage, compression or privileges")
        parts = [name, type_]
        if collation:
            parts.append(f"COLLATE {collation}")
        if generated:
            parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
        elif default is not None:
            parts.append(f"DEFAULT {default}")
        if identity:
            sequence = identity_of[(table, number)]
            how = "ALWAYS" if identity == "a" else "BY DEFAULT"
            parts.append(
                f"GENERATED {how} AS IDENTITY (SEQUENCE NAME {names[sequence[0]]} "
                f"{_sequence_options(sequence, identity=True)})"
            )
        if not_null:
            parts.append("NOT NULL")
        return " ".join(parts)

    def comments(self, name, relations, oid, columns) -> list[str]:
        statements = []
        comment = next(row[9] for row in relations if row[0] == oid)
        if comment:
            statements.append(f"COMMENT ON TABLE {name} IS {comment};")
        statements.extend(
            f"COMMENT ON COLUMN {name}.{row[2]} IS {row[13]};" for row in columns if row[13]
        )
        return statements

    def functions(self) -> list[str]:
        statements = []
        header = f"CREATE OR REPLACE FUNCTION {self.source}."
        for _, name, kind, acl, definition in self.fetch(_FUNCTIONS, [self.namespace]):
            if kind != "f" or acl:
                self.refuse(f"function {name}: {kind!r} or with privileges")
                continue
            if not definition.startswith(header) or self.template in definition[len(header) :]:
                # A body naming the template would keep using the template's tables.
                self.refuse(f"function {name} names the template schema")
                continue
            statements.append(f"CREATE FUNCTION {definition[len(header) :].rstrip()};")
        return statements


def _sequence_options(row: tuple, *, identity: bool = False) -> str:
    _, type_, start, increment, maximum, minimum, cache_size, cycle, *_ = row
    # An identity's sequence takes its column's type (naming it again is an error).
    return (
        ("" if identity else f"AS {type_} ")
        + f"INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} START WITH {start} "
        f"CACHE {cache_size} {'CYCLE' if cycle else 'NO CYCLE'}"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
