"""A real Celery worker on Redis processes an animated upload: the request answers 202 at once,
the worker (another process) re-encodes it in the marketplace's schema and files."""

import time
import uuid

import pytest
from django_tenants.utils import tenant_context

from catalog.models import MediaItem
from tests.support.client import api
from tests.support.factories.accounts import api_token_for
from tests.support.factories.catalog import make_listing, make_provider
from tests.support.files import animated_gif, stored_files, upload
from tests.support.worker import celery_worker

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture
def worker(marketplaces, media_root, private_root):
    """A worker process on a queue of its own (made this test's default queue), against the
    test database and this test's media folders."""
    env = {"MEDIA_ROOT": str(media_root), "SOUK_PRIVATE_MEDIA_ROOT": str(private_root)}
    with celery_worker(env=env, default=True) as queue:
        yield queue


def test_worker_makes_an_animated_upload_ready(
    marketplaces, worker, django_db_blocker, media_root, private_root
):
    fire = marketplaces["fire-performers"]
    with django_db_blocker.unblock():
        with tenant_context(fire):
            profile = make_provider(f"worker-{uuid.uuid4().hex[:6]}@example.com")
            listing = make_listing(profile)
            token = api_token_for(profile.user)
        try:
            client = api(fire, HTTP_AUTHORIZATION=f"Bearer {token}")
            url = f"/api/v1/listings/{listing.pk}/media/"
            response = client.post_form(url, {"file": upload("a.gif", animated_gif(8, (640, 480)))})
            assert response.status_code == 202, response.json()
            item_id = response.json()["id"]

            deadline = time.monotonic() + 60
            with tenant_context(fire):
                item = MediaItem.objects.get(pk=item_id)
                while item.status == MediaItem.Status.PROCESSING:
                    assert time.monotonic() < deadline, "the worker never processed the upload"
                    time.sleep(0.1)
                    item.refresh_from_db()
            assert (item.status, item.is_primary, item.failure_reason) == ("ready", True, "")
            assert set(item.thumbnails) == {"small", "medium", "large"}
            files = stored_files(media_root)
            assert f"fire_test/{item.file.name}" in files and len(files) == 4
            assert stored_files(private_root) == []
            listed = api(fire).get(url).json()
            assert [(i["id"], i["status"]) for i in listed] == [(item_id, "ready")]
            assert listed[0]["url"].endswith(item.file.name)
        finally:
            with tenant_context(fire):
                MediaItem.objects.filter(listing=listing).delete()
                listing.delete()
                profile.delete()
                profile.user.delete()
