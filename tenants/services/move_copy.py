"""The copying half of a move between cells (tenants.services.moves): schema, checks, files.

The schema goes with pg_dump/pg_restore in two parts. Its structure (pg_dump's pre-data
section: the schema, tables, sequences) is copied while the marketplace still takes writes;
its rows and then its indexes, constraints and triggers (data and post-data) once it is
read-only, so the final copy is one consistent snapshot. Objects are restored without their
owners and grants (--no-owner --no-privileges): they belong to the role the target cell's
Souk connects as, as its template does, which ``ownership_check`` holds true.
"""

from __future__ import annotations

import posixpath
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.core.files.storage import Storage, storages
from psycopg import sql

from tenants import schemas
from tenants.cells import Cell, own_database_url, pg_tool
from tenants.db import connection
from tenants.services.files import (
    STORAGE_ALIASES,
    storage_of_schema_checked,
    storage_tree_delete,
)

READ_ONLY_TRIGGER = "souk_read_only"


class CopyFailed(RuntimeError):
    pass


def _run(args: list[str]) -> str:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise CopyFailed(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def schema_copy(*, schema: str, target: Cell, sections: tuple[str, ...]) -> None:
    """Copy ``sections`` of ``schema`` from this cell's database into the target's, in one
    transaction there. The read-only triggers of a move are never copied."""
    with tempfile.TemporaryDirectory(prefix="souk-move-") as folder:
        dump = Path(folder) / "schema.dump"
        listing = Path(folder) / "schema.list"
        _run(
            [
                pg_tool("pg_dump"),
                f"--dbname={own_database_url()}",
                f"--schema={schema}",
                *(f"--section={section}" for section in sections),
                "--format=custom",
                "--compress=0",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
            ]
        )
        entries = _run([pg_tool("pg_restore"), "--list", str(dump)]).splitlines()
        kept = [line for line in entries if not (" TRIGGER " in line and READ_ONLY_TRIGGER in line)]
        listing.write_text("\n".join(kept) + "\n")
        _run(
            [
                pg_tool("pg_restore"),
                f"--dbname={target.database_url}",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--use-list={listing}",
                str(dump),
            ]
        )


def source_connect() -> psycopg.Connection:
    """This cell's database, outside Django's connection (its own transactions)."""
    return psycopg.connect(own_database_url(), autocommit=True)


def migrations_differ(
    *, schema: str, source: psycopg.Connection, dest: psycopg.Connection
) -> list[str]:
    """Why the target cell cannot take ``schema`` as it is: its public schema or its template
    have other migrations than this cell's public schema and ``schema``. Empty if none."""
    template = schemas.template_schema()
    problems = []
    pairs = (("public", "public", "public schema"), (schema, template, "template"))
    for here, there, what in pairs:
        ours = _migrations(source.cursor(), here)
        if not dest.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [there]).fetchone():
            problems.append(f"the target has no {what} ({there})")
            continue
        theirs = _migrations(dest.cursor(), there)
        if ours != theirs:
            missing = sorted(ours - theirs)[:3]
            extra = sorted(theirs - ours)[:3]
            problems.append(
                f"the target's {what} has other migrations "
                f"(missing there: {missing or 'none'}; only there: {extra or 'none'})"
            )
    return problems


def _migrations(cursor, schema: str) -> set[tuple[str, str]]:
    with cursor:
        cursor.execute(
            sql.SQL("SELECT app, name FROM {}.django_migrations").format(sql.Identifier(schema))
        )
        return {(app, name) for app, name in cursor.fetchall()}


def tables_of(cursor, schema: str) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY c.relname",
        [schema],
    )
    return [row[0] for row in cursor.fetchall()]


def _snapshot(cursor, schema: str, tables: list[str]) -> dict[str, object]:
    """Rows per table and every sequence's position: what must be equal on both sides."""
    counts = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}, count(*) FROM {}.{}").format(
            sql.Literal(table), sql.Identifier(schema), sql.Identifier(table)
        )
        for table in tables
    )
    cursor.execute(counts)
    found: dict[str, object] = {f"rows:{name}": count for name, count in cursor.fetchall()}
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", [schema]
    )
    found.update({f"sequence:{name}": value for name, value in cursor.fetchall()})
    return found


def copy_verify(
    *, schema: str, source: psycopg.Connection, dest: psycopg.Connection
) -> dict[str, object]:
    """The copy's row counts and sequences, which must equal the source's (read-only now)."""
    cursor = source.cursor()
    tables = tables_of(cursor, schema)
    ours = _snapshot(cursor, schema, tables)
    theirs = _snapshot(dest.cursor(), schema, tables)
    differences = sorted(
        key for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key)
    )
    if differences:
        raise CopyFailed(f"The copy differs from the source: {', '.join(differences[:10])}.")
    return ours


def ownership_check(*, schema: str, dest: psycopg.Connection) -> None:
    """The copy belongs to whoever owns the target's template (the role its Souk uses)."""
    template = schemas.template_schema()
    owners = dest.execute(
        "SELECT n.nspname, array_agg(DISTINCT pg_get_userbyid(c.relowner)) "
        "|| array_agg(DISTINCT pg_get_userbyid(n.nspowner)) "
        "FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid "
        "WHERE n.nspname IN (%s, %s) GROUP BY n.nspname",
        [schema, template],
    ).fetchall()
    found = {name: set(filter(None, roles)) for name, roles in owners}
    if found.get(schema) != found.get(template):
        raise CopyFailed(
            f"The copy is owned by {sorted(found.get(schema, ()))}, the target's template by "
            f"{sorted(found.get(template, ()))}: move as the role the target cell uses."
        )


def files_copy(*, schema: str, target: Cell) -> int:
    """Copy the marketplace's media and private files to the target cell's storages; a file
    already there with the same size is skipped, so a second pass copies only what changed.
    Returns how many were copied."""
    copied = 0
    previous = connection.schema_name
    connection.set_schema(schema)
    try:
        for alias in STORAGE_ALIASES:
            source = storages[alias]
            storage_of_schema_checked(source)
            copied += _copy_tree(source, target.storage(alias, schema), "")
    finally:
        connection.set_schema(previous)
    return copied


def _copy_tree(source: Storage, dest: Storage, folder: str) -> int:
    try:
        folders, files = source.listdir(folder)
    except FileNotFoundError:
        return 0
    copied = 0
    for name in files:
        path = posixpath.join(folder, name)
        if dest.exists(path):
            if dest.size(path) == source.size(path):
                continue
            dest.delete(path)
        with source.open(path, "rb") as content:
            saved = dest.save(path, content)
        if saved != path:
            raise CopyFailed(f"The target stored {path!r} as {saved!r}.")
        copied += 1
    return copied + sum(_copy_tree(source, dest, posixpath.join(folder, f)) for f in folders)


def copy_drop_there(*, schema: str, dest: psycopg.Connection, target: Cell) -> None:
    """Undo a copy that will not be used: the schema and the files made in the target cell.
    The target had neither before the move (its checks refuse a schema of that name, and a
    schema's files are named after it)."""
    dest.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    for alias in STORAGE_ALIASES:
        storage_tree_delete(target.storage(alias, schema))
