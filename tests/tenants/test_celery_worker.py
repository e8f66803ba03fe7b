"""A real Celery worker on Redis runs a task inside the marketplace it was sent for."""

import time
import uuid

import pytest
from celery.result import allow_join_result
from django_tenants.utils import tenant_context

from catalog.models import Category
from tenants.db import connection
from tenants.tasks import sync_preset
from tests.support.worker import celery_worker

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture
def worker(marketplaces, django_db_blocker):
    """A worker process on its own queue, against the test database."""
    with celery_worker() as queue:
        yield queue


# Celery's "inside a task" flag is process-wide: eager tasks run from parallel threads (the
# concurrency tests) can leave it set, and this test waits from outside any task.


def test_task_writes_into_its_own_marketplace_only(marketplaces, worker, django_db_blocker):
    fire, talent = marketplaces["fire-performers"], marketplaces["talent-iq"]
    with django_db_blocker.unblock():
        with tenant_context(talent):
            talent_before = set(Category.objects.values_list("slug", flat=True))
        with tenant_context(fire):
            # Committed, so the worker's connection sees it: the preset's category is gone.
            Category.objects.filter(slug="fire-staff").delete()
            result = sync_preset.apply_async(args=[fire.pk], queue=worker)
        # Sent from inside fire's schema: the message carries it.
        with allow_join_result():
            outcome = result.get(timeout=60)
        assert outcome == {"categories": 1, "listing_types": 0, "theme": 0}

        deadline = time.monotonic() + 10
        with tenant_context(fire):
            while not Category.objects.filter(slug="fire-staff").exists():
                assert time.monotonic() < deadline, "the worker never wrote into fire's schema"
                time.sleep(0.05)
        with tenant_context(talent):
            assert set(Category.objects.values_list("slug", flat=True)) == talent_before
            assert not Category.objects.filter(slug="fire-staff").exists()


def test_task_refuses_a_schema_it_was_not_sent_for(marketplaces, worker, django_db_blocker):
    fire, talent = marketplaces["fire-performers"], marketplaces["talent-iq"]
    with django_db_blocker.unblock(), tenant_context(talent):
        result = sync_preset.apply_async(args=[fire.pk], queue=worker)
        with pytest.raises(ValueError, match="another marketplace"), allow_join_result():
            result.get(timeout=60)


def test_task_for_a_vanished_marketplace_fails_and_runs_nothing_in_public(
    marketplaces, worker, django_db_blocker
):
    """Its schema is gone: the task must fail, not run on in the public schema, where this
    one would add an e-mail address row to the public user of the same id and mail them."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from accounts.tasks import email_verification_send
    from tenants.task_base import MarketplaceUnavailable

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = User.objects.create_user(email=f"ops-{uuid.uuid4().hex[:6]}@souk.test")
        try:
            result = email_verification_send.apply_async(
                kwargs={"user_id": user.pk},
                queue=worker,
                headers={"_schema_name": f"gone_{uuid.uuid4().hex[:8]}"},
                ignore_result=False,
            )
            with pytest.raises(MarketplaceUnavailable), allow_join_result():
                result.get(timeout=60)
            assert not EmailAddress.objects.filter(user=user).exists()
        finally:
            EmailAddress.objects.filter(user=user).delete()
            # Not user.delete(): its cascade would look for tenant tables in public.
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM accounts_user WHERE id = %s", [user.pk])


def test_task_for_a_deleted_marketplace_does_not_run(marketplaces, worker, django_db_blocker):
    from tenants.models import Marketplace
    from tenants.services import marketplace_create
    from tenants.task_base import MarketplaceUnavailable

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        doomed = marketplace_create(
            preset="events", name=f"Doomed {uuid.uuid4().hex[:6]}", owner_email="o@example.com"
        )
        try:
            with tenant_context(doomed):
                Category.objects.filter(parent__isnull=True).order_by("pk")[0].delete()
            # Deleted (soft): what was queued for it before, and runs now, must not run.
            Marketplace.objects.filter(pk=doomed.pk).update(
                status=Marketplace.Status.DELETED, deleted_at=doomed.created_at
            )
            with tenant_context(doomed):
                categories = Category.objects.count()
                result = sync_preset.apply_async(args=[doomed.pk], queue=worker)
            with pytest.raises(MarketplaceUnavailable), allow_join_result():
                result.get(timeout=60)
            with tenant_context(doomed):
                assert Category.objects.count() == categories
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{doomed.schema_name}" CASCADE')
            Marketplace.objects.filter(pk=doomed.pk).delete()
