"""The fleet migration (migrate_schemas): waves, a failing marketplace, the report, resuming.

A real migration is made to fail without touching our code: billing's latest migration (it
creates billing_autoreload) is unapplied by hand in a few marketplaces' schemas (its row
deleted, its table dropped), except that one of them keeps the table, so applying it again
there fails with "already exists". The fleet's schemas are committed (workers are other
processes), so the module makes its marketplaces outside any test transaction and drops them
at the end.
"""

from __future__ import annotations

import io
import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import quote_schema_name

from tenants import schemas
from tenants.db import connection
from tenants.models import FleetMigration, FleetMigrationSchema, Marketplace
from tenants.services import marketplace_create
from tests.support.client import api

APP, NAME = "billing", "0009_wallet_auto_reload"
MIGRATION = f"{APP}.{NAME}"
TABLE = "billing_autoreload"


def unapply(schema: str, *, keep_table: bool = False) -> None:
    """Undo billing's latest migration in ``schema`` by hand; ``keep_table`` leaves its table,
    which makes applying it again fail."""
    quoted = quote_schema_name(schema)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quoted}.django_migrations WHERE app = %s AND name = %s", [APP, NAME]
        )
        if not keep_table:
            cursor.execute(f"DROP TABLE {quoted}.{TABLE}")


def migrate(**options) -> str:
    out = io.StringIO()
    options = {"tenant": True, "workers": 2, "wave_size": 2, "canary_count": 0, **options}
    try:
        call_command("migrate_schemas", interactive=False, stdout=out, stderr=out, **options)
    finally:
        connection.set_schema_to_public()
    return out.getvalue()


def test_the_migration_undone_here_is_billings_latest():
    # unapply() knows what this migration does; a newer billing migration needs a new choice.
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert graph.leaf_nodes(APP) == [(APP, NAME)]


@pytest.fixture(scope="module")
def fleet(marketplaces, django_db_blocker):
    """Five committed marketplaces, made in this order: canary, bad, later x3."""
    made: dict[str, Marketplace] = {}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for role in ("canary", "bad", "later1", "later2", "later3"):
            slug = f"mig-{role}-{secrets.token_hex(3)}"
            made[role] = marketplace_create(
                preset="freelancers", name=slug, slug=slug, owner_email="owner@example.com"
            )
        yield made
        connection.set_schema_to_public()
        for marketplace in made.values():
            schemas.drop_schema(marketplace.schema_name)
            marketplace.delete()
        FleetMigration.objects.all().delete()


def test_a_failing_marketplace_stops_its_wave_and_a_rerun_resumes(fleet, django_db_blocker):
    with django_db_blocker.unblock():
        for role, marketplace in fleet.items():
            unapply(marketplace.schema_name, keep_table=role == "bad")

        with pytest.raises(CommandError, match="run migrate_schemas again to resume"):
            migrate(canary=[fleet["canary"].slug], new_run=True)

        run = FleetMigration.objects.latest("pk")
        assert run.status == FleetMigration.Status.FAILED
        rows = {row.schema_name: row for row in run.schemas.all()}
        bad = rows[fleet["bad"].schema_name]
        assert bad.status == FleetMigrationSchema.Status.FAILED
        assert bad.failed_migration == MIGRATION
        assert "already exists" in bad.error
        report = "\n".join(schemas_report(run))
        assert f"{fleet['bad'].slug} ({fleet['bad'].schema_name}), wave {bad.wave}" in report
        assert MIGRATION in report and "already exists" in report

        # The canary wave: the template (current already), then the named canary.
        canary = rows[fleet["canary"].schema_name]
        template = rows[schemas.template_schema()]
        assert canary.wave == template.wave == 0
        assert (canary.status, canary.applied) == ("done", [MIGRATION])
        assert (template.status, template.applied) == ("done", [])
        # Waves before the bad one are done; its own wave was finished; none after it started.
        for row in rows.values():
            if row.wave < bad.wave or (row.wave == bad.wave and row is not bad):
                assert row.status == "done", row
            elif row.wave > bad.wave:
                assert (row.status, row.attempts) == ("pending", 0), row
        later = [rows[fleet[f"later{i}"].schema_name] for i in (1, 2, 3)]
        waiting = [row for row in later if row.wave > bad.wave]
        assert waiting, "a marketplace after the bad one's wave"
        for row in waiting:
            assert schemas.missing_migrations(row.schema_name) == {(APP, NAME)}

        # Fix the bad schema, run again: the same run goes on from where it stopped. A
        # marketplace made meanwhile (as if cloned before the template was migrated) joins it.
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {quote_schema_name(fleet['bad'].schema_name)}.{TABLE}")
        slug = f"mig-newcomer-{secrets.token_hex(3)}"
        fleet["newcomer"] = marketplace_create(
            preset="freelancers", name=slug, slug=slug, owner_email="owner@example.com"
        )
        unapply(fleet["newcomer"].schema_name)
        out = migrate()
        assert f"fleet migration {run.pk}: resuming" in out
        run.refresh_from_db()
        assert (run.status, run.attempts) == (FleetMigration.Status.SUCCEEDED, 2)
        after = {row.schema_name: row for row in run.schemas.all()}
        for name, row in rows.items():
            if row.status == "done":  # finished the first time: not taken up again
                assert after[name].attempts == row.attempts == 1
                assert after[name].finished_at == row.finished_at
        newcomer = after[fleet["newcomer"].schema_name]
        assert (newcomer.wave, newcomer.status, newcomer.applied) == (
            run.waves - 1,
            "done",
            [MIGRATION],
        )
        assert max(row.wave for row in rows.values()) < newcomer.wave
        bad = after[fleet["bad"].schema_name]
        assert (bad.status, bad.attempts, bad.applied, bad.error) == ("done", 2, [MIGRATION], "")
        for marketplace in fleet.values():
            assert not schemas.missing_migrations(marketplace.schema_name)
            assert table_shape(marketplace.schema_name) == table_shape(schemas.template_schema())

        report = migrate(report=run.pk)
        assert f"fleet migration {run.pk}: succeeded (attempt 2)" in report
        assert "0 failed, 0 not done" in report


def content_rows(schema: str, model: str) -> tuple[int, list[str]]:
    """The content types of billing's ``model`` in ``schema``, and their permissions."""
    quoted = quote_schema_name(schema)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {quoted}.django_content_type "
            "WHERE app_label = %s AND model = %s",
            [APP, model],
        )
        types = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT p.codename FROM {quoted}.auth_permission p "
            f"JOIN {quoted}.django_content_type ct ON ct.id = p.content_type_id "
            "WHERE ct.app_label = %s AND ct.model = %s ORDER BY p.codename",
            [APP, model],
        )
        return types, [codename for (codename,) in cursor.fetchall()]


def test_content_types_and_permissions_a_schema_lacks_are_made(fleet, django_db_blocker):
    """The workers check content types and permissions in one statement instead of running
    post_migrate's two receivers for every app: a schema lacking some still gets them."""
    from tenants.services.fleet_content_types import content_types_missing

    model = "autoreload"
    lacking, complete = fleet["later1"].schema_name, fleet["later2"].schema_name
    with django_db_blocker.unblock():
        before = content_rows(complete, model)
        assert before[0] == 1 and len(before[1]) == 4
        quoted = quote_schema_name(lacking)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quoted}.auth_permission WHERE content_type_id IN (SELECT id FROM "
                f"{quoted}.django_content_type WHERE app_label = %s AND model = %s)",
                [APP, model],
            )
            cursor.execute(
                f"DELETE FROM {quoted}.django_content_type WHERE app_label = %s AND model = %s",
                [APP, model],
            )
        assert content_rows(lacking, model) == (0, [])
        connection.set_schema(lacking)
        from django.apps import apps

        assert content_types_missing(state_apps=apps) == 5  # the content type, 4 permissions
        connection.set_schema(complete)
        assert content_types_missing(state_apps=apps) == 0
        connection.set_schema_to_public()
        for role in ("later1", "later2"):
            unapply(fleet[role].schema_name)

        migrate(new_run=True)

        assert content_rows(lacking, model) == before
        assert content_rows(complete, model) == before
        run = FleetMigration.objects.latest("pk")
        assert run.status == FleetMigration.Status.SUCCEEDED


def test_a_finished_run_derives_the_clone_script(fleet, django_db_blocker):
    """After a deploy's migration the template's clone script is derived by the migration,
    not by the first sign-up."""
    from tenants import clone

    with django_db_blocker.unblock():
        template = schemas.template_schema()
        clone.stamp_template(template)  # as migrating the template does: the script is stale
        clone._memo.clear()
        key = clone.fingerprint(template, schemas.applied_migrations(template))

        migrate(new_run=True)

        assert key in clone._memo


def table_shape(schema: str) -> list[tuple]:
    """The re-created table's columns and constraints, as PostgreSQL describes them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY column_name",
            [schema, TABLE],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(%s) ORDER BY conname",
            [f"{quote_schema_name(schema)}.{TABLE}"],
        )
        constraints = [
            (name, definition.replace(schema, "<schema>")) for name, definition in cursor
        ]
    assert columns
    return columns + constraints


def schemas_report(run):
    from tenants.selectors.fleet_migration import fleet_migration_report

    return fleet_migration_report(run)


def test_a_marketplace_lacking_an_additive_migration_still_serves(fire, db):
    """Nothing in request handling compares a schema's migrations with the code's: until the
    fleet migration reaches it, a marketplace is served as its schema stands."""
    unapply(fire.schema_name)  # DDL is transactional: the test's rollback restores it
    assert schemas.missing_migrations(fire.schema_name) == {(APP, NAME)}

    client = api(fire, own_address=True)
    assert client.get("/api/v1/marketplace/").status_code == 200
    assert client.get("/api/v1/search/listings/").status_code == 200
    signup = client.post(
        "/api/v1/auth/signup/",
        {"email": f"new-{secrets.token_hex(3)}@example.com", "password": "saffron-lantern-87"},
    )
    assert signup.status_code == 201, signup.content
