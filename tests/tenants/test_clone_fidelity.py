"""A cloned schema must be identical to a freshly migrated one.

Cloning can rename named constraints or indexes in the copy (the clone rewrites DDL text);
a later migration that drops or alters them by name would then fail on cloned schemas only.
The template is migrated from scratch when the test database is made, so it is the freshly
migrated reference.
"""

from django.db import connection

from tenants import schemas

CATALOG_QUERIES = {
    "relations": """
        SELECT c.relname, c.relkind::text, '' FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
    """,
    "columns": """
        SELECT c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL'
                                                          ELSE '' END,
               coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' ' || a.attidentity::text
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND a.attnum > 0
          AND NOT a.attisdropped
    """,
    "constraints": """
        SELECT c.relname || '.' || con.conname, con.contype::text,
               pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s
    """,
    "indexes": """
        SELECT tablename || '.' || indexname, '', indexdef FROM pg_indexes
        WHERE schemaname = %(schema)s
    """,
    "triggers": """
        SELECT c.relname || '.' || t.tgname, '', pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
    """,
}


def describe(schema: str) -> dict[str, set[tuple[str, str, str]]]:
    shape = {}
    with connection.cursor() as cursor:
        for kind, query in CATALOG_QUERIES.items():
            cursor.execute(query, {"schema": schema})
            shape[kind] = {
                tuple(str(value).replace(schema, "<schema>") for value in row)
                for row in cursor.fetchall()
            }
    return shape


def test_cloned_schema_matches_freshly_migrated_template(fire):
    reference = describe(schemas.template_schema())
    clone = describe(fire.schema_name)
    assert reference["relations"], "the template has no tables"
    for kind in CATALOG_QUERIES:
        only_template = sorted(reference[kind] - clone[kind])
        only_clone = sorted(clone[kind] - reference[kind])
        assert not only_template and not only_clone, (
            f"{kind} differ. Only in the template: {only_template[:10]}; "
            f"only in the clone: {only_clone[:10]}"
        )


def test_clone_of_the_clone_function_is_current(fire):
    # A marketplace schema carries exactly the template's migration history.
    assert schemas.applied_migrations(fire.schema_name) == schemas.applied_migrations(
        schemas.template_schema()
    )
    assert not schemas.missing_migrations(fire.schema_name)
