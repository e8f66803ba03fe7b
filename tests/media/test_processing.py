"""Uploads that cannot hold a web worker: every pixel limit judged from the headers before
anything is decoded, and animations and large images re-encoded by a Celery task afterwards.

Tasks run eagerly here (tests/conftest.py) but only when the upload's transaction commits:
``django_capture_on_commit_callbacks(execute=True)`` is that commit. test_worker.py runs the
same path with a real worker.
"""

import io

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context
from PIL import Image

from catalog.models import MediaItem
from catalog.services.profiles import profile_completeness_refresh
from tests.support.factories.catalog import make_listing
from tests.support.files import (
    animated_gif,
    gif_headers,
    gif_in_tiny_sub_blocks,
    image_bytes,
    stored_files,
    upload,
)

PROFILE = "/api/v1/provider-profile/media/"


def listing_media(listing_id):
    return f"/api/v1/listings/{listing_id}/media/"


def post_file(client, url, name, data):
    return client.post_form(url, {"file": upload(name, data)})


def rows(marketplace):
    with tenant_context(marketplace):
        return list(MediaItem.objects.order_by("position", "id"))


@pytest.fixture
def caps(settings):
    settings.SOUK_MAX_IMAGE_TOTAL_PIXELS = 100_000_000
    settings.SOUK_MAX_IMAGE_FRAMES = 200
    settings.SOUK_MEDIA_SYNC_MAX_PIXELS = 500_000
    return settings


# --- The total-pixels cap, from the headers ---------------------------------------------------


def test_many_frame_animation_is_refused_by_its_total_pixels(
    fire, fire_provider, media_root, private_root, caps
):
    _, listing, client = fire_provider
    # 60 frames of 2000×1000: each frame and the frame count are within their limits,
    # together they are 120 M pixels.
    response = post_file(
        client, listing_media(listing.pk), "anim.gif", animated_gif(60, (2000, 1000))
    )

    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["error"] == "image_too_large_dimensions"
    assert body["details"] == {
        "width": 2000,
        "height": 1000,
        "frames": 60,
        "total_pixels": 120_000_000,
        "max_total_pixels": 100_000_000,
    }
    assert rows(fire) == []
    assert stored_files(media_root) == [] and stored_files(private_root) == []


def test_the_refusal_is_made_from_the_headers_without_decoding_a_frame(
    fire, fire_provider, media_root, private_root, caps
):
    """The frames' image data is junk: decoding any of it would end in ``corrupt_image``.
    Being refused for its size proves the verdict came from the headers alone."""
    _, listing, client = fire_provider
    junk = gif_headers(60, (2000, 1000))
    assert len(junk) < 2000

    response = post_file(client, listing_media(listing.pk), "anim.gif", junk)

    assert response.status_code == 400
    assert response.json()["error"] == "image_too_large_dimensions"
    assert response.json()["details"]["total_pixels"] == 120_000_000
    assert rows(fire) == [] and stored_files(private_root) == []


def test_counting_frames_stops_at_the_limit(fire, fire_provider, private_root, caps):
    """Ten thousand tiny frames: the walk stops one past the limit instead of visiting all."""
    _, listing, client = fire_provider
    caps.SOUK_MAX_IMAGE_FRAMES = 50
    many = gif_headers(10_000, (2, 2), data=b"\x02\x4c\x01")

    response = post_file(client, listing_media(listing.pk), "many.gif", many)

    assert response.status_code == 400
    assert response.json()["error"] == "image_too_large_dimensions"
    assert response.json()["details"] == {"frames": 51, "max_frames": 50}
    assert rows(fire) == []


def test_a_gif_of_more_blocks_than_its_size_allows_is_refused(fire, fire_provider, caps):
    """One valid frame whose LZW data is cut into 1-byte sub-blocks: Pillow would walk them
    one by one; the probe refuses once past its budget (one structure per 64 bytes)."""
    _, listing, client = fire_provider
    noise = io.BytesIO()
    Image.effect_noise((300, 300), 100).convert("P").save(noise, format="GIF")
    rebuilt = gif_in_tiny_sub_blocks(noise.getvalue())
    with Image.open(io.BytesIO(rebuilt)) as image:
        image.load()  # a valid GIF, which Pillow decodes
        assert image.size == (300, 300)

    response = post_file(client, listing_media(listing.pk), "blocks.gif", rebuilt)

    assert response.status_code == 400
    assert response.json()["error"] == "corrupt_image"
    assert "blocks" in response.json()["message"]
    assert rows(fire) == []


def test_a_jpeg_with_junk_between_its_frame_header_and_scan_is_refused(fire, fire_provider, caps):
    """Pillow's open walks every byte up to the scan, one at a time; so does the probe, within
    its budget, instead of stopping at the frame header."""
    _, listing, client = fire_provider
    photo = image_bytes("JPEG", (64, 48))
    start_of_frame = photo.index(b"\xff\xc0")
    cut = start_of_frame + 2 + int.from_bytes(photo[start_of_frame + 2 : start_of_frame + 4])
    junk = photo[:cut] + b"\x00" * (2 * 1024 * 1024) + photo[cut:]

    response = post_file(client, listing_media(listing.pk), "junk.jpg", junk)

    assert response.status_code == 400
    assert response.json()["error"] == "corrupt_image"
    assert "blocks" in response.json()["message"]
    assert rows(fire) == []


# --- Processing in a worker ------------------------------------------------------------------


def test_animated_upload_is_processing_until_the_task_has_run(
    fire, fire_provider, media_root, private_root, caps, django_capture_on_commit_callbacks
):
    profile, listing, client = fire_provider
    url = listing_media(listing.pk)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_file(client, url, "anim.gif", animated_gif(12, (400, 300)))

    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "processing"
    assert body["url"] is None and body["thumbnails"] == {}
    assert body["is_primary"] is False
    assert (body["width"], body["height"], body["content_type"]) == (400, 300, "image/gif")
    # Nothing public yet: the upload waits in the private storage.
    assert stored_files(media_root) == []
    assert len(stored_files(private_root)) == 1
    # Others do not see it; its owner sees it without URLs; it cannot be the cover yet.
    assert host_get(fire, url).json() == []
    owner_view = client.get(url).json()
    assert [(i["id"], i["status"], i["url"]) for i in owner_view] == [
        (body["id"], "processing", None)
    ]
    primary = client.post(f"{url}{body['id']}/primary/")
    assert (primary.status_code, primary.json()["error"]) == (409, "media_not_ready")

    # The commit: the (eager) task runs, and what it queues after its own commit too.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    item = rows(fire)[0]
    assert item.status == MediaItem.Status.READY and item.is_primary
    assert item.original.name == "" and stored_files(private_root) == []
    assert set(item.thumbnails) == {"small", "medium", "large"}
    with tenant_context(fire):
        assert default_storage.exists(item.file.name)
        with default_storage.open(item.file.name) as stored, Image.open(stored) as image:
            frames = getattr(image, "n_frames", 1)
            assert (image.format, frames, image.size) == ("GIF", 12, (400, 300))
    public = host_get(fire, url).json()
    assert [(i["id"], i["status"], i["is_primary"]) for i in public] == [
        (body["id"], "ready", True)
    ]
    assert public[0]["url"].startswith("http://fire-test.localhost/media/fire_test/media/")
    assert set(public[0]["thumbnails"]) == {"small", "medium", "large"}


def test_large_still_images_go_to_the_worker_small_ones_do_not(
    fire, fire_provider, caps, django_capture_on_commit_callbacks
):
    _, listing, client = fire_provider
    caps.SOUK_MEDIA_SYNC_MAX_PIXELS = 400 * 300
    url = listing_media(listing.pk)

    small = post_file(client, url, "small.jpg", image_bytes(size=(400, 300)))
    assert (small.status_code, small.json()["status"]) == (201, "ready")
    assert small.json()["url"] is not None

    with django_capture_on_commit_callbacks(execute=True):
        large = post_file(client, url, "large.jpg", image_bytes(size=(401, 300)))
    assert (large.status_code, large.json()["status"]) == (202, "processing")
    done = {item.pk: item for item in rows(fire)}[large.json()["id"]]
    assert (done.status, done.width, done.height) == ("ready", 401, 300)
    # The first ready item stays the primary one.
    assert not done.is_primary


def test_failed_processing_is_reported_to_the_owner_and_leaves_no_files(
    fire, fire_provider, media_root, private_root, caps, django_capture_on_commit_callbacks
):
    _, listing, client = fire_provider
    url = listing_media(listing.pk)
    whole = animated_gif(6, (300, 200))
    # Cut inside the last frame's data: every header is there, a frame's pixels are not.
    truncated = whole[: len(whole) - 40]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, url, "cut.gif", truncated)

    assert response.status_code == 202, response.json()
    item = rows(fire)[0]
    assert item.status == MediaItem.Status.FAILED
    assert item.failure_reason.startswith("This image")
    assert not item.is_primary and item.file.name == "" and item.original.name == ""
    assert stored_files(media_root) == [] and stored_files(private_root) == []
    owner_view = client.get(url).json()
    assert [(i["status"], i["url"]) for i in owner_view] == [("failed", None)]
    assert owner_view[0]["failure_reason"] == item.failure_reason
    assert host_get(fire, url).json() == []
    # Failed items do not hold a place; the owner deletes them.
    assert client.delete(f"{url}{item.pk}/").status_code == 204


def test_an_item_deleted_while_processing_leaves_nothing(
    fire, fire_provider, media_root, private_root, caps, django_capture_on_commit_callbacks
):
    _, listing, client = fire_provider
    url = listing_media(listing.pk)
    with django_capture_on_commit_callbacks(execute=False):
        item_id = post_file(client, url, "anim.gif", animated_gif(4)).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{url}{item_id}/").status_code == 204

    from catalog.media.processing import media_process

    with tenant_context(fire):
        assert media_process(media_id=item_id) == "skipped"
    assert stored_files(media_root) == [] and stored_files(private_root) == []


def test_limits_lowered_before_processing_fail_the_item(
    fire, fire_provider, private_root, caps, django_capture_on_commit_callbacks
):
    profile, _, client = fire_provider
    with tenant_context(fire):
        without_media = profile_completeness_refresh(profile=profile)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_file(client, PROFILE, "anim.gif", animated_gif(10, (200, 100)))
    assert response.status_code == 202
    # An upload the worker has not made ready does not count towards completeness.
    assert completeness(fire, profile) == without_media
    caps.SOUK_MAX_IMAGE_TOTAL_PIXELS = 100_000
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    (item,) = rows(fire)
    assert item.status == MediaItem.Status.FAILED
    assert "200,000 pixels in all" in item.failure_reason
    assert stored_files(private_root) == []
    assert completeness(fire, profile) == without_media


def test_other_marketplace_cannot_see_or_touch_a_processing_item(
    fire, talent, fire_provider, caps, django_capture_on_commit_callbacks
):
    from tests.support.client import api
    from tests.support.factories.catalog import make_provider

    _, listing, client = fire_provider
    with django_capture_on_commit_callbacks(execute=False):
        item_id = post_file(client, listing_media(listing.pk), "a.gif", animated_gif(3)).json()[
            "id"
        ]
    with tenant_context(talent):
        stranger = make_provider("kat@example.com")
        other = make_listing(stranger)
        talent_client = api(talent, stranger.user)
    assert talent_client.get(listing_media(listing.pk)).status_code == 404
    assert talent_client.delete(f"{listing_media(other.pk)}{item_id}/").status_code == 404
    assert talent_client.delete(f"{PROFILE}{item_id}/").status_code == 404
    from catalog.media.processing import media_process

    with tenant_context(talent):
        # The id means nothing in talent's schema: the task finds no such item there.
        assert media_process(media_id=item_id) == "skipped"
    assert rows(fire)[0].status == MediaItem.Status.PROCESSING


def completeness(marketplace, profile) -> int:
    with tenant_context(marketplace):
        return type(profile).objects.get(pk=profile.pk).completeness


def host_get(marketplace, url):
    from tests.support.client import api

    return api(marketplace).get(url)
