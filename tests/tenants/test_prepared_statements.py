"""The engine's prepared cursor (the hot paths' statements): PostgreSQL prepares a statement
once per connection, a switch to another marketplace reads that marketplace's tables, and the
setting turns it off."""

import pytest

from accounts.models import User
from tenants.db import connection

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT count(*) FROM accounts_user WHERE email LIKE %s"


def _count(marketplace) -> int:
    connection.set_tenant(marketplace)
    with connection.prepared_cursor() as cursor:
        cursor.execute(STATEMENT, ["%@prepared.test"])
        return cursor.fetchone()[0]


def _prepared_here() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%accounts_user WHERE email LIKE%"],
        )
        return cursor.fetchone()[0]


def test_a_statement_is_prepared_once_and_reads_the_current_marketplace(fire, talent):
    connection.set_tenant(fire)
    User.objects.create_user(email="one@prepared.test", password=None)
    connection.set_tenant(talent)
    for n in range(3):
        User.objects.create_user(email=f"{n}@prepared.test", password=None)

    # Back and forth between the two schemas: each run answers for the schema it runs in.
    assert [_count(fire), _count(talent), _count(fire), _count(talent)] == [1, 3, 1, 3]
    assert _prepared_here() == 1


def test_the_setting_turns_preparing_off(fire, settings):
    settings.SOUK_DB_PREPARED_STATEMENTS = False
    before = _prepared_here()
    assert _count(fire) == 0
    assert _prepared_here() == before
