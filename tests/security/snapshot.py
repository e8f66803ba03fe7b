"""A fingerprint of every row a marketplace owns: its schema's tables and its public rows."""

from __future__ import annotations

from django.db import connection


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def marketplace_rows(*, schema: str, marketplace_id: int) -> dict[str, tuple[int, str]]:
    """Table -> (row count, md5 of all rows): any insert, update or delete changes it."""
    fingerprint: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM {_quoted(schema)}.{_quoted(table)} t"
            )
            fingerprint[table] = tuple(cursor.fetchone())
        for table, column in (
            ("tenants_marketplace", "id"),
            ("tenants_domain", "tenant_id"),
        ):
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM public.{_quoted(table)} t WHERE {_quoted(column)} = %s",
                [marketplace_id],
            )
            fingerprint[f"public.{table}"] = tuple(cursor.fetchone())
    return fingerprint


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )
