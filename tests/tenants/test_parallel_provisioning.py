"""Provisionings on different connections run side by side: none waits for another's commit.

Observed, not timed: one provisioning is held open in its transaction (its schema made, its
rows written, nothing committed) while a second one, on another connection, runs from start
to end. Were anything shared locked by the first (django-tenants' clone function created and
dropped types in ``public``), the second would wait for the first's commit; its lock_timeout
turns such a wait into an error instead of a hang.
"""

import secrets
import threading

from django.db import connection, transaction
from django_tenants.utils import schema_exists

from tenants import schemas
from tenants.models import Marketplace
from tenants.services import marketplace_create


def held_open(action, done: threading.Event, release: threading.Event, outcome: dict):
    """Run ``action`` in a transaction on this thread's own connection, then keep that
    transaction open until ``release``; roll it back."""
    try:
        with transaction.atomic():
            outcome["value"] = action()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            done.set()
            release.wait(timeout=120)
            transaction.set_rollback(True)
    except BaseException as exc:
        outcome["error"] = exc
        done.set()
    finally:
        connection.close()


def backend_state(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def create(slug: str):
    return marketplace_create(
        preset="events", name=f"Parallel {slug}", slug=slug, owner_email="o@example.com"
    )


def test_two_provisionings_do_not_wait_for_each_other(marketplaces, db):
    first_slug, second_slug = (f"par-{secrets.token_hex(3)}" for _ in range(2))
    done, release, outcome = threading.Event(), threading.Event(), {}
    first = threading.Thread(
        target=held_open, args=(lambda: create(first_slug), done, release, outcome)
    )
    first.start()
    try:
        assert done.wait(timeout=120) and "error" not in outcome, outcome.get("error")
        assert backend_state(outcome["pid"]) == "idle in transaction"

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '20s'")
        second = create(second_slug)  # the test's own connection and transaction

        # The second provisioning is complete while the first is still uncommitted.
        assert backend_state(outcome["pid"]) == "idle in transaction"
        assert schema_exists(second.schema_name)
        assert not schema_exists(outcome["value"].schema_name)  # not committed: not visible
        assert not Marketplace.objects.filter(slug=first_slug).exists()
    finally:
        release.set()
        first.join(timeout=120)
    assert not Marketplace.objects.filter(slug=first_slug).exists()  # rolled back


def test_two_clones_do_not_wait_for_each_other(db):
    """The clone alone, as the spare pool's refill makes it, against a provisioning."""
    name = f"souk_spare_{secrets.token_hex(6)}"
    done, release, outcome = threading.Event(), threading.Event(), {}
    first = threading.Thread(
        target=held_open, args=(lambda: schemas.clone_template(name), done, release, outcome)
    )
    first.start()
    try:
        assert done.wait(timeout=120) and "error" not in outcome, outcome.get("error")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '20s'")
        other = f"par_{secrets.token_hex(4)}"
        schemas.clone_template(other)
        assert schema_exists(other)
        assert backend_state(outcome["pid"]) == "idle in transaction"
    finally:
        release.set()
        first.join(timeout=120)
    assert not schema_exists(name)
