"""Deriving the clone script from the template's catalog (see tenants.clone)."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.db import transaction
from django_tenants.utils import quote_schema_name

from tenants.db import connection


class TemplateNotClonable(RuntimeError):
    """The template holds something this clone cannot copy faithfully."""


# Each query looks rows up by the template's oids, through the catalogs' own indexes where
# they have one (pg_attribute, pg_constraint, pg_index, pg_trigger, pg_depend, pg_sequence).

# Tables are made with LIKE, which copies the template's parsed expressions (defaults,
# generated columns, CHECK and exclusion constraints, index predicates) rather than text
# printed and parsed again, so they read back exactly as the template's.
_LIKE = (
    "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY "
    "INCLUDING INDEXES INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION"
)
_RELATIONS = """
    SELECT c.oid, quote_ident(c.relname), c.relkind::text, c.relpersistence::text,
           array_to_string(c.reloptions, ', '), c.relrowsecurity, c.relreplident::text,
           c.relacl IS NOT NULL, c.relispartition,
           quote_literal(obj_description(c.oid, 'pg_class'))
    FROM pg_class c WHERE c.relnamespace = %s ORDER BY c.relname
"""
_COLUMNS = """
    SELECT a.attrelid, quote_ident(a.attname), a.attidentity::text, a.attgenerated::text,
           coalesce(a.attstattarget, -1), a.attacl IS NOT NULL
    FROM pg_attribute a
    WHERE a.attrelid = ANY(%s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
"""
_SEQUENCES = """
    SELECT s.seqrelid, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax,
           s.seqmin, s.seqcache, s.seqcycle, d.refobjid, quote_ident(a.attname), d.deptype::text
    FROM pg_sequence s
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
         AND d.objsubid = 0 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE s.seqrelid = ANY(%s::oid[])
"""
# The identity sequences LIKE made in the trial schema, by table and column.
_IDENTITIES = """
    SELECT quote_ident(t.relname), quote_ident(a.attname), quote_ident(c.relname)
    FROM pg_depend d
    JOIN pg_class c ON c.oid = d.objid
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY(%s::oid[])
      AND d.classid = 'pg_class'::regclass AND d.deptype = 'i'
"""
_FOREIGN_KEYS = """
    SELECT con.conrelid, quote_ident(con.conname), pg_get_constraintdef(con.oid), con.confrelid
    FROM pg_constraint con WHERE con.conrelid = ANY(%s::oid[]) AND con.contype = 'f'
    ORDER BY con.conrelid, con.conname
"""
_INDEXES = """
    SELECT c.relname, quote_ident(i.relname), pg_get_indexdef(x.indexrelid, 0, true),
           x.indisclustered OR x.indisreplident OR NOT x.indisvalid
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class c ON c.oid = x.indrelid
    WHERE x.indrelid = ANY(%s::oid[]) ORDER BY x.indexrelid
"""
# Defaults and constraints that name a sequence or function of the template: LIKE would keep
# pointing them at the template's.
_TEMPLATE_REFERENCES = """
    SELECT quote_ident(t.relname), quote_ident(a.attname), a.attgenerated::text,
           pg_get_expr(ad.adbin, ad.adrelid), con.conname
    FROM pg_depend d
    LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
    LEFT JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
    LEFT JOIN pg_class t ON t.oid = ad.adrelid
    LEFT JOIN pg_constraint con ON d.classid = 'pg_constraint'::regclass AND con.oid = d.objid
    WHERE d.refclassid IN ('pg_class'::regclass, 'pg_proc'::regclass)
      AND d.refobjid = ANY(%s::oid[]) AND d.deptype = 'n'
      AND d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass)
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
        table_oids = [row[0] for row in tables]
        sequences = [row[0] for row in relations if row[2] == "S"]
        for _oid, name, kind, persistence, _, rls, replident, acl, partition, comment in relations:
            if kind not in ("r", "S", "i"):
                self.refuse(f"relation {name} of kind {kind!r}")
            elif kind == "S" and comment:
                self.refuse(f"comment on {name}")
            if rls or replident not in ("d", "n") or acl or partition or persistence == "t":
                self.refuse(f"{name}: row security, replica identity, privileges or partitions")
        self.unsupported.extend(
            row[0]
            for row in self.fetch(_OTHER_OBJECTS, {"nsp": self.namespace, "tables": table_oids})
        )
        columns: dict[int, list[tuple]] = defaultdict(list)
        for row in self.fetch(_COLUMNS, [table_oids]):
            columns[row[0]].append(row)
            if row[5]:
                self.refuse(f"privileges on the column {names[row[0]]}.{row[1]}")
        sequence_rows = self.fetch(_SEQUENCES, [sequences])
        functions, function_oids = self.functions()

        sequences_made: list[str] = []
        owned: list[str] = []
        for row in sequence_rows:
            if row[10] == "i":
                continue  # an identity's: LIKE makes it with its table
            sequences_made.append(f"CREATE SEQUENCE {names[row[0]]} {_sequence_options(row)};")
            if row[10] == "a":
                owned.append(f"ALTER SEQUENCE {names[row[0]]} OWNED BY {names[row[8]]}.{row[9]};")
        foreign_keys: dict[int, list[tuple]] = defaultdict(list)
        for table, name, definition, referenced in self.fetch(_FOREIGN_KEYS, [table_oids]):
            foreign_keys[table].append((name, definition, referenced))
        # Referenced tables first, so that foreign keys are declared inside CREATE TABLE: there
        # PostgreSQL knows the table is empty and skips checking them. A key that closes a
        # cycle is added after the data instead (and checked).
        tables_made: list[str] = []
        made: set[int] = set()
        later: dict[int, list[str]] = defaultdict(list)
        ordered = _referenced_first(tables, foreign_keys)
        for oid, name, _, persistence, options, *_ in ordered:
            inline = [f"LIKE {self.source}.{name} {_LIKE}"]
            for key, definition, referenced in foreign_keys[oid]:
                clause = f"CONSTRAINT {key} {definition}"
                ready = referenced == oid or referenced in made or referenced not in names
                (inline if ready else later[oid]).append(clause)
            made.add(oid)
            unlogged = "UNLOGGED " if persistence == "u" else ""
            with_options = f" WITH ({options})" if options else ""
            tables_made.append(
                f"CREATE {unlogged}TABLE {name} ({', '.join(inline)}){with_options};"
            )
        defaults = []
        for table, column, generated, expression, constraint in self.fetch(
            _TEMPLATE_REFERENCES, [sequences + function_oids]
        ):
            if constraint or generated:
                self.refuse(f"{constraint or column} names a function or sequence of the template")
            elif table:
                defaults.append(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {expression};"
                )

        data = []  # referenced rows first: the keys may be checked at once (SET CONSTRAINTS)
        for oid, name, *_ in ordered:
            copied = ", ".join(row[1] for row in columns[oid] if not row[3])
            overriding = (
                " OVERRIDING SYSTEM VALUE" if any(r[2] == "a" for r in columns[oid]) else ""
            )
            data.append(
                f"INSERT INTO {name} ({copied}){overriding} "
                f"SELECT {copied} FROM {self.source}.{name};"
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
        after = [
            f"ALTER TABLE {names[table]} {', '.join(f'ADD {clause}' for clause in clauses)};"
            for table, clauses in later.items()
        ]
        after.extend(owned)
        after.extend(
            f"COMMENT ON TABLE {name} IS {comment};"
            for _, name, kind, *_, comment in tables
            if comment
        )
        after.extend(
            f"ALTER TABLE {names[row[0]]} ALTER COLUMN {row[1]} SET STATISTICS {row[4]};"
            for oid in table_oids
            for row in columns[oid]
            if row[4] >= 0
        )
        for definition, enabled in self.fetch(_TRIGGERS, [table_oids]):
            if enabled != "O":
                self.refuse(f"disabled or replica trigger: {definition}")
            after.append(f"{definition};")
        template_indexes = self.fetch(_INDEXES, [table_oids])
        for _, _, definition, odd in template_indexes:
            if odd:
                self.refuse(f"clustered, replica identity or invalid index: {definition}")
        if self.unsupported:
            raise TemplateNotClonable(
                "The template holds what tenants/clone/derive.py cannot copy: "
                + "; ".join(sorted(set(self.unsupported)))
            )
        renames = self.renames(sequences_made + tables_made, template_indexes, sequence_rows, names)
        return "\n".join(
            [*functions, *sequences_made, *tables_made, *renames, *defaults, *data, *after]
        )

    def renames(self, statements, template_indexes, sequence_rows, names) -> list[str]:
        """ALTER … RENAME statements giving LIKE's indexes (and the constraints they back) and
        identity sequences the template's names. LIKE names them anew, deterministically (from
        the table and column names, in an empty schema), so a trial run in a schema that is
        rolled back tells which name each gets."""
        trial = f"souk_clone_trial_{uuid.uuid4().hex[:12]}"
        with transaction.atomic():
            self.cursor.execute(f"CREATE SCHEMA {trial}")
            self.cursor.execute("SELECT set_config('search_path', %s, true)", [f"{trial}, public"])
            self.cursor.execute("\n".join(statements))
            self.cursor.execute(
                "SELECT array_agg(c.oid) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                [trial],
            )
            (trial_tables,) = self.cursor.fetchone()
            trial_indexes = self.fetch(_INDEXES, [trial_tables or []])
            trial_identities = self.fetch(_IDENTITIES, [trial_tables or []])
            transaction.set_rollback(True)

        wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
        for table, name, definition, _ in template_indexes:
            wanted[(table, definition.replace(f"INDEX {name} ON", "INDEX ON", 1))].append(name)
        pairs = []  # (kind, name LIKE gives, the template's name)
        for table, name, definition, _ in trial_indexes:
            key = (table, definition.replace(f"INDEX {name} ON", "INDEX ON", 1))
            if not wanted.get(key):
                raise TemplateNotClonable(f"LIKE made an index the template lacks: {definition}")
            pairs.append(("INDEX", name, wanted[key].pop(0)))  # twins pair in creation order
        identity = {
            (names[row[8]], row[9]): names[row[0]] for row in sequence_rows if row[10] == "i"
        }
        for table, column, name in trial_identities:
            pairs.append(("SEQUENCE", name, identity[(table, column)]))
        # LIKE makes every identity sequence a bigint one.
        retyped = [
            f"ALTER SEQUENCE {names[row[0]]} AS {row[1]};"
            for row in sequence_rows
            if row[10] == "i" and row[1] != "bigint"
        ]
        pairs = [pair for pair in pairs if pair[1] != pair[2]]
        # A name LIKE gave one object may be another's name in the template: move those
        # aside first.
        targets = {target for _, _, target in pairs}
        statements, current = [], {}
        for index, (kind, made, _) in enumerate(pairs):
            current[made] = made
            if made in targets:
                current[made] = f"souk_clone_aside_{index}"
                statements.append(f"ALTER {kind} {made} RENAME TO {current[made]};")
        statements.extend(
            f"ALTER {kind} {current[made]} RENAME TO {target};" for kind, made, target in pairs
        )
        return statements + retyped

    def functions(self) -> tuple[list[str], list[int]]:
        statements, oids = [], []
        header = f"CREATE OR REPLACE FUNCTION {self.source}."
        for oid, name, kind, acl, definition in self.fetch(_FUNCTIONS, [self.namespace]):
            oids.append(oid)
            if kind != "f" or acl:
                self.refuse(f"function {name}: {kind!r} or with privileges")
                continue
            if not definition.startswith(header) or self.template in definition[len(header) :]:
                # A body naming the template would keep using the template's tables.
                self.refuse(f"function {name} names the template schema")
                continue
            statements.append(f"CREATE FUNCTION {definition[len(header) :].rstrip()};")
        return statements, oids


def _referenced_first(tables: list[tuple], foreign_keys: dict[int, list[tuple]]) -> list[tuple]:
    """``tables`` in an order where each comes after the tables it references (depth first;
    a cycle is cut where it closes)."""
    by_oid = {row[0]: row for row in tables}
    ordered: list[tuple] = []
    seen: set[int] = set()

    def visit(oid: int) -> None:
        if oid in seen or oid not in by_oid:
            return
        seen.add(oid)
        for _, _, referenced in foreign_keys[oid]:
            visit(referenced)
        ordered.append(by_oid[oid])

    for row in tables:
        visit(row[0])
    return ordered


def _sequence_options(row: tuple) -> str:
    _, type_, start, increment, maximum, minimum, cache_size, cycle, *_ = row
    return (
        f"AS {type_} INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} "
        f"START WITH {start} CACHE {cache_size} {'CYCLE' if cycle else 'NO CYCLE'}"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
