"""A new marketplace never lands in a schema that already exists: not a deleted marketplace's
leftover (its users, bookings and files), not the template, a spare or PostgreSQL's own."""

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from accounts.models import User
from tenants.db import connection
from tenants.models import Domain, Marketplace


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def create(operator, slug: str, **fields):
    body = {"preset": "events", "name": "Newcomer", "owner_email": "new@owner.io", "slug": slug}
    return operator.post(
        "/api/v1/operator/marketplaces/", {**body, **fields}, content_type="application/json"
    )


def test_a_leftover_schema_is_not_taken_over_by_a_marketplace_of_the_same_slug(
    operator, make_marketplace
):
    old = make_marketplace("events")
    with tenant_context(old):
        User.objects.create_user(email="victim@old.example", password="x")
    # What deleting the row in the old admin did: rows gone, schema left behind.
    old.delete()
    assert old.schema_name in schema_names()
    before = (Marketplace.objects.count(), Domain.objects.count())
    users_before = leftover_users(old.schema_name)
    assert "victim@old.example" in users_before

    response = create(operator, old.slug)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "schema_exists"
    assert "slug" in body["details"]
    assert (Marketplace.objects.count(), Domain.objects.count()) == before
    assert leftover_users(old.schema_name) == users_before  # no new owner moved in


def leftover_users(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT email FROM "{schema}".accounts_user ORDER BY email')
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    "slug",
    [
        "souk-template",  # the template every marketplace is cloned from
        "souk-spare-abc",  # the spare pool's names
        "souk-anything",  # every souk_* schema is internal
        "pg-catalog",  # PostgreSQL's own schemas
        "pg-newname",
        "information-schema",
        "public",
    ],
)
def test_reserved_schema_names_are_refused(operator, marketplaces, slug):
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{template}".accounts_user')
        template_users = cursor.fetchone()[0]
    before = (Marketplace.objects.count(), Domain.objects.count(), schema_names())

    response = create(operator, slug)

    assert response.status_code == 400, response.content
    assert "slug" in response.json()["details"]
    assert (Marketplace.objects.count(), Domain.objects.count(), schema_names()) == before
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{template}".accounts_user')
        assert cursor.fetchone()[0] == template_users
