"""A cloned schema must be identical to a freshly migrated one.

Cloning can rename named constraints or indexes in the copy (the clone rewrites DDL text);
a later migration that drops or alters them by name would then fail on cloned schemas only.
The template is migrated from scratch when the test database is made, so it is the freshly
migrated reference. Each test clones anew (tenants.clone) inside its rolled-back transaction.
"""

import secrets

import pytest
from django.db import connection, transaction

from tenants import clone, schemas

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
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL),
               concat_ws(' ', s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                         s.seqcycle, d.deptype, o.relname, a.attname)
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass
             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LEFT JOIN pg_class o ON o.oid = d.refobjid
        LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE n.nspname = %(schema)s
    """,
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s
    """,
    "column_details": """
        SELECT c.relname || '.' || a.attname,
               a.attgenerated::text || a.attidentity::text || ' ' || a.attcollation::regcollation,
               coalesce(col_description(c.oid, a.attnum), '') || ' '
               || coalesce(obj_description(c.oid, 'pg_class'), '')
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND a.attnum > 0
          AND NOT a.attisdropped
    """,
    "triggers": """
        SELECT c.relname || '.' || t.tgname, '', pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
    """,
}


def describe(schema: str) -> dict[str, set[tuple[str, ...]]]:
    shape = {}
    with connection.cursor() as cursor:
        for kind, query in CATALOG_QUERIES.items():
            cursor.execute(query, {"schema": schema})
            shape[kind] = {
                tuple(str(value).replace(schema, "<schema>") for value in row)
                for row in cursor.fetchall()
            }
    return shape


def assert_same_shape(reference, copy):
    assert reference["relations"], "the template has no tables"
    for kind in CATALOG_QUERIES:
        only_template = sorted(reference[kind] - copy[kind])
        only_clone = sorted(copy[kind] - reference[kind])
        assert not only_template and not only_clone, (
            f"{kind} differ. Only in the template: {only_template[:10]}; "
            f"only in the clone: {only_clone[:10]}"
        )


def rows_and_sequences(schema: str) -> dict[str, object]:
    """Every row of every table (as text) and every sequence's last value."""
    found: dict[str, object] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'S')",
            [schema],
        )
        for name, kind in cursor.fetchall():
            if kind == "S":
                cursor.execute("SELECT pg_sequence_last_value(%s::regclass)", [f"{schema}.{name}"])
                found[name] = cursor.fetchone()[0]
            else:
                cursor.execute(f'SELECT t::text FROM "{schema}"."{name}" t ORDER BY 1')
                found[name] = [row[0] for row in cursor.fetchall()]
    return found


@pytest.fixture
def new_schema(db):
    return f"clone_{secrets.token_hex(4)}"


def test_cloned_schema_matches_freshly_migrated_template(new_schema):
    template = schemas.template_schema()
    schemas.clone_template(new_schema)
    assert_same_shape(describe(template), describe(new_schema))
    copied = rows_and_sequences(new_schema)
    assert copied == rows_and_sequences(template)
    assert copied["django_migrations"] and copied["auth_permission"]


def test_a_clone_inside_a_transaction_checking_keys_at_once(new_schema):
    # drop_schema() (a purge, an outdated spare) sets this for the rest of its transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schemas.clone_template(new_schema)
    assert rows_and_sequences(new_schema) == rows_and_sequences(schemas.template_schema())


def test_marketplace_schema_matches_the_template(fire):
    # The session's marketplace went through marketplace_create (possibly on older code).
    assert_same_shape(describe(schemas.template_schema()), describe(fire.schema_name))


def test_the_clone_keeps_the_template_behaviour(new_schema):
    """Defaults, identities, generated columns and the ledger's triggers work in the clone."""
    schemas.clone_template(new_schema)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path = {new_schema}, public")
        cursor.execute(
            "INSERT INTO billing_ledgertransaction "
            "(kind, currency, reference, memo, created_at, subject) "
            "VALUES ('opening', 'USD', 'r1', '', now(), '') RETURNING id"
        )
        (transaction_id,) = cursor.fetchone()
        with pytest.raises(Exception, match="never changed"), transaction.atomic():
            cursor.execute("DELETE FROM billing_ledgertransaction")
        cursor.execute(
            "SELECT count(*) FROM django_content_type WHERE id >= "
            "(SELECT pg_sequence_last_value('django_content_type_id_seq'))"
        )
        assert cursor.fetchone()[0] == 1  # the sequence continues after the copied rows
        cursor.execute("RESET search_path")
    assert transaction_id == 1


def test_a_changed_template_is_cloned_as_it_now_is(new_schema):
    """migrate_schemas stamps the template (post_migrate): the cached script is retired."""
    template = schemas.template_schema()
    schemas.clone_template(f"{new_schema}_before")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {template}.catalog_listing ADD COLUMN souk_probe integer")
    clone.stamp_template(template)
    schemas.clone_template(new_schema)
    columns = {row[0] for row in describe(new_schema)["columns"]}
    assert "catalog_listing.souk_probe" in columns
    assert "catalog_listing.souk_probe" not in {
        row[0] for row in describe(f"{new_schema}_before")["columns"]
    }


def test_what_the_clone_cannot_copy_is_refused_loudly(new_schema):
    template = schemas.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIEW {template}.souk_probe AS SELECT 1 AS one")
    clone.stamp_template(template)
    with pytest.raises(clone.TemplateNotClonable, match="souk_probe"), transaction.atomic():
        schemas.clone_template(new_schema)


def test_an_existing_schema_is_refused(new_schema):
    schemas.clone_template(new_schema)
    with pytest.raises(schemas.SchemaExists), transaction.atomic():
        schemas.clone_template(new_schema)


def test_clone_of_the_clone_function_is_current(fire):
    # A marketplace schema carries exactly the template's migration history.
    assert schemas.applied_migrations(fire.schema_name) == schemas.applied_migrations(
        schemas.template_schema()
    )
    assert not schemas.missing_migrations(fire.schema_name)


def template_stamp() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [schemas.template_schema()],
        )
        return cursor.fetchone()[0]


def test_migrate_on_the_template_renews_its_generation(fire):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    before = template_stamp()
    tenants_app = apps.get_app_config("tenants")
    connection.set_schema(schemas.template_schema())
    post_migrate.send(sender=tenants_app, app_config=tenants_app, using="default")
    connection.set_schema_to_public()
    assert template_stamp() != before
    assert template_stamp().startswith(clone.GENERATION_PREFIX)

    # On a marketplace's schema it changes nothing.
    stamped = template_stamp()
    connection.set_schema(fire.schema_name)
    post_migrate.send(sender=tenants_app, app_config=tenants_app, using="default")
    connection.set_schema_to_public()
    assert template_stamp() == stamped
