"""The sweep of uploads whose processing task was lost: the upload committed, the task was never
delivered (a broker that was down). The beat task sends it again in every marketplace once
SOUK_MEDIA_PROCESS_RETRY_SECONDS have passed since the last send, and marks the item failed
after SOUK_MEDIA_PROCESS_MAX_ATTEMPTS sends.

Nothing is sent here until ``django_capture_on_commit_callbacks(execute=True)`` runs the
callbacks (tasks are eager in tests): an upload outside that block is an upload whose task was
lost.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from catalog.media.processing import STUCK_FAILURE
from catalog.models import MediaItem
from catalog.tasks import requeue_stuck_media_everywhere
from tests.support.files import animated_gif, stored_files, upload


@pytest.fixture
def sweep_settings(settings):
    settings.SOUK_MEDIA_SYNC_MAX_PIXELS = 500_000
    settings.SOUK_MEDIA_PROCESS_RETRY_SECONDS = 600
    settings.SOUK_MEDIA_PROCESS_MAX_ATTEMPTS = 2
    return settings


def _lost_upload(marketplace, client, listing, django_capture_on_commit_callbacks) -> int:
    """An animated upload whose processing task is never sent."""
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post_form(
            f"/api/v1/listings/{listing.pk}/media/",
            {"file": upload("anim.gif", animated_gif(6, (320, 240)))},
        )
    assert response.status_code == 202, response.json()
    return response.json()["id"]


def _age(marketplace, item_id: int, seconds: int) -> None:
    """The item's last send ``seconds`` ago (time passing, not a change to the code)."""
    with tenant_context(marketplace):
        MediaItem.objects.filter(pk=item_id).update(
            process_queued_at=timezone.now() - timedelta(seconds=seconds)
        )


def _item(marketplace, item_id: int) -> MediaItem:
    with tenant_context(marketplace):
        return MediaItem.objects.get(pk=item_id)


def test_the_sweep_sends_a_stuck_item_again_and_it_becomes_ready(
    fire, fire_provider, private_root, sweep_settings, django_capture_on_commit_callbacks
):
    profile, listing, client = fire_provider
    item_id = _lost_upload(fire, client, listing, django_capture_on_commit_callbacks)

    # Not stuck yet: the sweep leaves it alone.
    _age(fire, item_id, 60)
    with django_capture_on_commit_callbacks(execute=True):
        requeue_stuck_media_everywhere.delay()
    item = _item(fire, item_id)
    assert (item.status, item.process_attempts) == ("processing", 1)

    _age(fire, item_id, 601)
    with django_capture_on_commit_callbacks(execute=True):
        requeue_stuck_media_everywhere.delay()

    item = _item(fire, item_id)
    assert (item.status, item.process_attempts, item.failure_reason) == ("ready", 2, "")
    assert item.is_primary and item.original.name == ""
    assert stored_files(private_root) == []
    listed = client.get(f"/api/v1/listings/{listing.pk}/media/").json()
    assert [(i["id"], i["status"]) for i in listed] == [(item_id, "ready")]


def test_an_item_sent_the_most_times_is_failed_with_a_reason(
    fire, fire_provider, private_root, sweep_settings, django_capture_on_commit_callbacks
):
    profile, listing, client = fire_provider
    item_id = _lost_upload(fire, client, listing, django_capture_on_commit_callbacks)

    # Sent again, and lost again.
    _age(fire, item_id, 601)
    with django_capture_on_commit_callbacks(execute=False):
        requeue_stuck_media_everywhere.delay()
    item = _item(fire, item_id)
    assert (item.status, item.process_attempts) == ("processing", 2)
    assert len(stored_files(private_root)) == 1

    _age(fire, item_id, 601)
    with django_capture_on_commit_callbacks(execute=True):
        requeue_stuck_media_everywhere.delay()

    item = _item(fire, item_id)
    assert (item.status, item.process_attempts) == ("failed", 2)
    assert item.failure_reason == STUCK_FAILURE
    assert item.original.name == "" and stored_files(private_root) == []
    listed = client.get(f"/api/v1/listings/{listing.pk}/media/").json()
    assert [(i["id"], i["status"], i["failure_reason"]) for i in listed] == [
        (item_id, "failed", STUCK_FAILURE)
    ]
