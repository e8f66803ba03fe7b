"""Every way a schema is made (clone of the template, rename of a spare) refuses a
destination that exists, whatever made it, and leaves that schema as it was."""

import pytest

from tenants import schemas
from tenants.db import connection
from tenants.models import Domain, Marketplace, SpareSchema
from tenants.services import marketplace_create


def make_foreign_schema(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
        cursor.execute(f'CREATE TABLE "{name}".precious (id int)')
        cursor.execute(f'INSERT INTO "{name}".precious VALUES (42)')


def precious_rows(name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{name}".precious')
        return [row[0] for row in cursor.fetchall()]


def test_clone_refuses_an_existing_destination(marketplaces, db):
    make_foreign_schema("somebody_else")
    with pytest.raises(schemas.SchemaExists):
        schemas.clone_template("somebody_else")
    assert precious_rows("somebody_else") == [42]


def test_spare_is_not_renamed_onto_an_existing_schema(marketplaces, db):
    schemas.refill_spare_schemas(target=1)
    (spare,) = schemas.spare_schema_names()
    make_foreign_schema("occupied")
    with pytest.raises(schemas.SchemaExists):
        schemas.claim_spare_schema("occupied")
    assert precious_rows("occupied") == [42]
    assert spare in schemas.spare_schema_names()


def test_create_over_a_schema_made_by_anyone_is_refused_and_makes_nothing(marketplaces, db):
    make_foreign_schema("hand_made")
    before = (Marketplace.objects.count(), Domain.objects.count(), SpareSchema.objects.count())
    with pytest.raises(schemas.SchemaExists) as error:
        marketplace_create(
            preset="events", name="Hand Made", slug="hand-made", owner_email="a@b.co"
        )
    assert (error.value.status, error.value.code) == (400, "schema_exists")
    assert (Marketplace.objects.count(), Domain.objects.count(), SpareSchema.objects.count()) == (
        before
    )
    assert precious_rows("hand_made") == [42]
