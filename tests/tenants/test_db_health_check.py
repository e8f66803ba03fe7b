"""The database engine's health check: a kept connection is judged without a round trip when it
is idle and quiet, and one PostgreSQL has ended is replaced before a request uses it."""

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A connection of its own (not the test's, which sits in a transaction)."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict["CONN_HEALTH_CHECKS"] = True
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _new_request(wrapper) -> None:
    """What Django's request_started signal does to a kept connection."""
    wrapper.close_if_unusable_or_obsolete()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(pid: int) -> str:
    """The last statement the backend ``pid`` was sent, as PostgreSQL saw it."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_an_idle_quiet_connection_is_kept_without_asking_postgresql(kept):
    pid = _backend_pid(kept)
    _new_request(kept)
    assert kept.health_check_done is False
    kept.close_if_health_check_failed()
    assert kept.health_check_done is True
    assert _last_statement(pid) == "SELECT pg_backend_pid()"  # no SELECT 1 was sent
    assert _backend_pid(kept) == pid


def test_a_connection_postgresql_ended_is_replaced_before_use(kept):
    pid = _backend_pid(kept)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it is gone
    _new_request(kept)
    # The request's first query works, on a new backend: no 500 for a dead connection.
    assert _backend_pid(kept) != pid


def test_a_connection_inside_a_transaction_is_asked_as_django_asks(kept):
    pid = _backend_pid(kept)
    kept.set_autocommit(False)
    try:
        with kept.cursor() as cursor:
            cursor.execute("SELECT 2")
        kept.health_check_done = False
        kept.close_if_health_check_failed()
        assert kept.connection is not None  # SELECT 1 answered: kept, still in its transaction
        assert _last_statement(pid) == "SELECT 1"
    finally:
        kept.rollback()
        kept.set_autocommit(True)
