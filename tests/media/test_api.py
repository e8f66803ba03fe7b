"""Media API: uploads, listing, reorder, primary, delete; other marketplaces and providers."""

from django.test import RequestFactory
from django_tenants.utils import tenant_context

from catalog.media.serve import media_serve
from catalog.models import Listing, MediaItem
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.factories.catalog import make_listing, make_provider
from tests.support.files import image_bytes, minimal_mp4, stored_files, upload

PROFILE = "/api/v1/provider-profile/media/"


def listing_media(listing_id):
    return f"/api/v1/listings/{listing_id}/media/"


def post_file(client, url, name, data, **fields):
    return client.post_form(url, {"file": upload(name, data), **fields})


def rows(marketplace):
    with tenant_context(marketplace):
        return list(MediaItem.objects.order_by("position", "id"))


def test_provider_uploads_to_own_profile(fire, fire_provider, media_root, settings):
    settings.SOUK_MEDIA_SYNC_MAX_PIXELS = 1_000_000  # ready in the request
    profile, _, client = fire_provider
    response = post_file(client, PROFILE, "me.jpg", image_bytes(size=(1000, 800)), caption="Hi")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "image" and body["content_type"] == "image/jpeg"
    assert body["is_primary"] is True and body["caption"] == "Hi"
    assert (body["status"], body["failure_reason"]) == ("ready", "")
    assert (body["width"], body["height"]) == (1000, 800)
    prefix = f"http://fire-test.localhost/media/fire_test/media/providers/{profile.pk}/"
    assert body["url"].startswith(prefix)
    assert set(body["thumbnails"]) == {"small", "medium", "large"}
    assert all(url.startswith(prefix + "thumbs/") for url in body["thumbnails"].values())

    listed = client.get(PROFILE)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()] == [body["id"]]


def test_bad_uploads_give_error_codes_and_store_nothing(fire, fire_provider, media_root, settings):
    _, listing, client = fire_provider
    url = listing_media(listing.pk)

    text = post_file(client, url, "photo.jpg", b"hello, I am text\n" * 50)
    assert text.status_code == 400
    assert text.json()["error"] == "unsupported_media"
    assert set(text.json()) == {"error", "message", "details"}

    fake_video = post_file(client, url, "clip.mp4", bytes(range(256)) * 16)
    assert (fake_video.status_code, fake_video.json()["error"]) == (400, "unsupported_media")

    settings.SOUK_MAX_IMAGE_BYTES = 1000
    big = post_file(client, url, "big.png", image_bytes("PNG", size=(900, 900)) + b"\0" * 2000)
    assert (big.status_code, big.json()["error"]) == (400, "file_too_large")

    # Past the largest limit of any kind the request body is not even read to the end.
    settings.SOUK_MAX_VIDEO_BYTES = 2000
    huge = post_file(client, url, "huge.mp4", minimal_mp4() + b"\0" * 50_000)
    assert (huge.status_code, huge.json()["error"]) == (400, "invalid")

    missing = client.post_form(url, {"caption": "no file"})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid")

    assert stored_files(media_root) == []
    assert rows(fire) == []


def test_video_upload(fire, fire_provider, media_root):
    _, listing, client = fire_provider
    response = post_file(client, listing_media(listing.pk), "clip.bin", minimal_mp4())
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "video/mp4"
    assert response.json()["thumbnails"] == {}


def test_listing_media_reorder_primary_delete(
    fire, fire_provider, media_root, django_capture_on_commit_callbacks
):
    _, listing, client = fire_provider
    url = listing_media(listing.pk)
    ids = [post_file(client, url, f"{n}.jpg", image_bytes()).json()["id"] for n in range(3)]

    reordered = client.patch(
        url, {"ids": [ids[2], ids[0], ids[1]]}, content_type="application/json"
    )
    assert reordered.status_code == 200
    assert [item["id"] for item in reordered.json()] == [ids[2], ids[0], ids[1]]
    assert [i["id"] for i in client.get(url).json()] == [ids[2], ids[0], ids[1]]

    bad = client.patch(url, {"ids": [ids[0]]}, content_type="application/json")
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_order")

    primary = client.post(f"{url}{ids[1]}/primary/")
    assert primary.status_code == 200 and primary.json()["is_primary"] is True
    assert [r.pk for r in rows(fire) if r.is_primary] == [ids[1]]

    before = len(stored_files(media_root))
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"{url}{ids[1]}/")
    assert deleted.status_code == 204
    assert len(stored_files(media_root)) == before - 4
    remaining = rows(fire)
    assert [r.pk for r in remaining] == [ids[2], ids[0]]
    assert remaining[0].is_primary

    assert client.delete(f"{url}{ids[1]}/").status_code == 404


def test_other_marketplace_gets_404(fire, talent, fire_provider, media_root):
    _, listing, fire_client = fire_provider
    item_id = post_file(fire_client, listing_media(listing.pk), "a.jpg", image_bytes()).json()["id"]
    with tenant_context(talent):
        stranger = make_provider("kat@example.com")  # same address, separate account
        talent_client = api(talent, stranger.user)

    url = listing_media(listing.pk)
    assert talent_client.get(url).status_code == 404
    assert talent_client.post(f"{url}{item_id}/primary/").status_code == 404
    assert talent_client.delete(f"{url}{item_id}/").status_code == 404
    assert post_file(talent_client, url, "b.jpg", image_bytes()).status_code == 404
    assert talent_client.delete(f"{PROFILE}{item_id}/").status_code == 404
    # The fire token means nothing on the talent host.
    fire_token = fire_client.defaults["HTTP_AUTHORIZATION"]
    assert talent_client.get(PROFILE, HTTP_AUTHORIZATION=fire_token).status_code == 401
    assert len(rows(fire)) == 1


def test_other_provider_and_customer_are_refused(fire, fire_provider, media_root):
    _, listing, owner_client = fire_provider
    url = listing_media(listing.pk)
    item_id = post_file(owner_client, url, "a.jpg", image_bytes()).json()["id"]
    with tenant_context(fire):
        rival = make_provider("rival@example.com")
        draft = make_listing(listing.provider, status=Listing.Status.DRAFT)
        customer = UserFactory(email="fan@example.com")
        rival_client = api(fire, rival.user)
        customer_client = api(fire, customer)

    # A published listing is visible to all, changeable only by its provider.
    assert rival_client.get(url).status_code == 200
    assert post_file(rival_client, url, "b.jpg", image_bytes()).status_code == 403
    assert rival_client.post(f"{url}{item_id}/primary/").status_code == 403
    assert rival_client.delete(f"{url}{item_id}/").status_code == 403
    # Someone else's draft does not exist for them.
    assert rival_client.get(listing_media(draft.pk)).status_code == 404
    assert owner_client.get(listing_media(draft.pk)).status_code == 200
    # The own-profile endpoints only look at the caller's own profile.
    assert rival_client.delete(f"{PROFILE}{item_id}/").status_code == 404
    assert customer_client.get(PROFILE).status_code == 403
    assert post_file(customer_client, PROFILE, "c.jpg", image_bytes()).status_code == 403
    assert len(rows(fire)) == 1


def test_dev_media_serving_is_limited_to_the_current_marketplace(
    fire, talent, fire_provider, media_root, settings
):
    profile, _, client = fire_provider
    body = post_file(client, PROFILE, "me.png", image_bytes("PNG")).json()
    path = body["url"].split("/media/", 1)[1]  # fire_test/media/providers/...
    settings.DEBUG = True
    request = RequestFactory().get(f"/media/{path}")

    with tenant_context(fire):
        served = media_serve(request, path)
        assert served.status_code == 200
        assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    with tenant_context(talent):
        assert_404(lambda: media_serve(request, path))
        assert_404(
            lambda: media_serve(request, "talent_test/../fire_test/" + path.split("/", 1)[1])
        )
    settings.DEBUG = False
    with tenant_context(fire):
        assert_404(lambda: media_serve(request, path))


def assert_404(call):
    from django.http import Http404

    try:
        call()
    except Http404:
        return
    raise AssertionError("expected 404")
