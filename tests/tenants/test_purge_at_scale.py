"""Purging many deleted marketplaces: each in its own transaction, a bounded batch per run, and
one that cannot be purged (its schema held by another transaction) neither stops nor blocks
the others; it is reported and purged by a later run. Nothing is left behind but the audit
events.

The marketplaces are committed (made on connections of their own) and the purge runs on its
own connection, as the beat task does, so the lock held by a third connection is real.
"""

import secrets
import threading
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from tenants.models import Domain, Marketplace, MarketplaceEvent
from tenants.services import (
    PurgeIncomplete,
    SystemActor,
    marketplace_create,
    marketplace_delete,
    marketplace_purge,
    marketplace_purge_due,
)

ACTOR = SystemActor("tests")
COUNT = 6


def on_own_connection(function):
    """``function()`` in a thread with its own connection: what it writes is committed."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def file_roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"  # drops django-tenants' cached root
    settings.SOUK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def due(marketplaces, db, settings, file_roots):
    """COUNT committed marketplaces with files, deleted past their grace period (oldest first)."""
    tag = secrets.token_hex(2)

    def make():
        made = []
        for index in range(COUNT):
            marketplace = marketplace_create(
                preset="events", name=f"Doomed {tag} {index}", owner_email="o@example.com"
            )
            marketplace_delete(marketplace=marketplace, actor=ACTOR)
            Marketplace.objects.filter(pk=marketplace.pk).update(
                deleted_at=timezone.now()
                - timedelta(days=settings.SOUK_DELETION_GRACE_DAYS, hours=COUNT - index)
            )
            made.append(marketplace)
        return made

    made = on_own_connection(make)
    for marketplace in made:
        with tenant_context(marketplace):
            storages["default"].save("listings/1/photo.jpg", ContentFile(b"jpeg"))
            storages["private"].save("deliveries/1/work.zip", ContentFile(b"zip"))
    yield made

    def cleanup():
        for marketplace in Marketplace.objects.filter(pk__in=[m.pk for m in made]):
            marketplace_purge(marketplace=marketplace, actor=ACTOR, ignore_grace_period=True)
        MarketplaceEvent.objects.filter(marketplace_slug__in=[m.slug for m in made]).delete()

    on_own_connection(cleanup)


class SchemaHeld:
    """Another connection reading one of the schema's tables in a transaction left open."""

    def __init__(self, schema: str):
        self.schema, self.locked, self.release = schema, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.hold)

    def hold(self):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {self.schema}.catalog_listing IN ACCESS SHARE MODE")
                self.locked.set()
                self.release.wait(timeout=120)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=30)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def left_of(marketplace, file_roots) -> list[str]:
    left = []
    if schema_exists(marketplace.schema_name):
        left.append("schema")
    for root in ("media", "private"):
        if (file_roots / root / marketplace.schema_name).exists():
            left.append(root)
    if Marketplace.objects.filter(pk=marketplace.pk).exists():
        left.append("row")
    if Domain.objects.filter(tenant_id=marketplace.pk).exists():
        left.append("domain")
    return left


def purge_run():
    """One run of the beat task's service on its own connection: (purged, failed slugs)."""
    try:
        return on_own_connection(lambda: marketplace_purge_due(actor=ACTOR)), {}
    except PurgeIncomplete as incomplete:
        return len(incomplete.purged), incomplete.failed


def test_one_stuck_purge_neither_stops_nor_blocks_the_others(due, file_roots, settings):
    settings.SOUK_PURGE_BATCH = 4
    settings.SOUK_PURGE_LOCK_TIMEOUT_S = 0.3
    stuck = due[1]

    with SchemaHeld(stuck.schema_name):
        purged, failed = purge_run()
        # The batch: the four oldest deletions; the held one failed on its lock, alone.
        assert purged == 3
        assert list(failed) == [stuck.slug]
        assert "lock timeout" in failed[stuck.slug]
        assert [left_of(m, file_roots) for m in due] == [
            [],
            ["schema", "media", "private", "row", "domain"],  # untouched: retried next run
            [],
            [],
            ["schema", "media", "private", "row", "domain"],  # past this run's batch
            ["schema", "media", "private", "row", "domain"],
        ]

        purged, failed = purge_run()  # still held: the rest of the backlog goes on
        assert (purged, list(failed)) == (2, [stuck.slug])

    assert purge_run() == (1, {})
    assert purge_run() == (0, {})
    assert [left_of(m, file_roots) for m in due] == [[]] * COUNT
    # Only the audit trail remains, no longer linked to any marketplace row.
    events = MarketplaceEvent.objects.filter(marketplace_slug__in=[m.slug for m in due])
    assert set(events.values_list("action", flat=True)) == {"created", "deleted", "purged"}
    assert not events.filter(marketplace__isnull=False).exists()
    assert events.filter(action="purged").count() == COUNT
