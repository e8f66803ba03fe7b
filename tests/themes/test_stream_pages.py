"""The live-stream pages through Django's test client: the provider's go-live page (make a
stream, read its ingest address and key, rotate the key, start and end it, through the streams
services) and a stream's public page (the player, the socket's address, the gifts; never the
key), both under the site's Content-Security-Policy."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from bookings.models import LiveStream
from tests.streams.support import gift_in, stream_of
from tests.support.client import api
from tests.support.factories.bookings import party, provider_party
from tests.support.site_provider import site_client
from tests.test_content_security_policy import assert_obeys_policy

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _stream(marketplace, stream_id: int) -> LiveStream:
    with tenant_context(marketplace):
        return LiveStream.objects.get(pk=stream_id)


@pytest.fixture(autouse=True)
def hls_and_ingest(settings):
    settings.SOUK_HLS_BASE_URL = "http://hls.example:8080/hls"
    settings.SOUK_INGEST_RTMP_URL = "rtmp://ingest.example/{slug}"


def test_a_provider_makes_a_stream_rotates_its_key_starts_and_ends_it(fire):
    provider, _profile = provider_party(fire)
    pages = site_client(provider)
    opened = pages.get("/provider/streams/")
    assert opened.status_code == 200
    assert_obeys_policy(opened)

    made = pages.post_form("/provider/streams/", {"title": "Fire by night"})
    assert made.status_code == 302 and made["Location"] == "/provider/streams/"
    with tenant_context(fire):
        stream = LiveStream.objects.get(provider__user=provider.user)
    page = _text(pages.get("/provider/streams/"))
    assert "Fire by night" in page
    assert stream.stream_key in page
    assert f"rtmp://ingest.example/{fire.slug}" in page

    old_key = stream.stream_key
    rotated = pages.post_form(f"/provider/streams/{stream.pk}/rotate-key/")
    assert rotated.status_code == 302
    new_key = _stream(fire, stream.pk).stream_key
    assert new_key != old_key
    page = _text(pages.get("/provider/streams/"))
    assert new_key in page and old_key not in page

    assert pages.post_form(f"/provider/streams/{stream.pk}/start/").status_code == 302
    assert _stream(fire, stream.pk).state == "live"
    # Live: the key can no longer be rotated; the refusal is the service's, said on the page.
    pages.post_form(f"/provider/streams/{stream.pk}/rotate-key/")
    assert _stream(fire, stream.pk).stream_key == new_key
    page = _text(pages.get("/provider/streams/"))
    assert "A stream key can be changed only before the stream starts." in page

    assert pages.post_form(f"/provider/streams/{stream.pk}/end/").status_code == 302
    assert _stream(fire, stream.pk).state == "ended"
    # An ended stream's key is not shown any more: it publishes nothing.
    assert new_key not in _text(pages.get("/provider/streams/"))


def test_the_go_live_page_refuses_a_bad_title_and_strangers(fire):
    provider, _profile = provider_party(fire)
    pages = site_client(provider)
    refused = pages.post_form("/provider/streams/", {"title": ""})
    assert refused.status_code == 400
    with tenant_context(fire):
        assert not LiveStream.objects.filter(provider__user=provider.user).exists()

    _other, stream = stream_of(fire)
    for action in ("start", "end", "rotate-key"):
        assert pages.post_form(f"/provider/streams/{stream.pk}/{action}/").status_code == 404
    assert _stream(fire, stream.pk).state == "scheduled"
    assert pages.post_form(f"/provider/streams/{stream.pk}/nonsense/").status_code == 404
    assert site_client(party(fire)).get("/provider/streams/").status_code == 403


def test_the_stream_page_plays_the_stream_and_never_shows_its_key(fire):
    reader, stream = stream_of(fire, title="Flames at dusk")
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    gift = gift_in(fire, price_minor=300, name="Torch")

    visitor = api(fire, own_address=True)
    response = visitor.get(f"/streams/{stream.pk}/")
    assert response.status_code == 200
    page = assert_obeys_policy(response, visitor)
    assert page is not None
    assert any(source.endswith(".js") and "hls" in source for source in page.script_sources)
    text = _text(response)
    assert "Flames at dusk" in text
    assert f'data-socket="/ws/streams/{stream.pk}/"' in text
    assert f"http://hls.example:8080/hls/{stream.playback_id}.m3u8" in text
    assert stream.stream_key not in text
    assert f"/accounts/login/?next=/streams/{stream.pk}/" in text and 'id="chat-form"' not in text
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self' http://hls.example:8080" in policy
    assert "blob:" in policy.split("media-src", 1)[1].split(";")[0]

    signed_in = site_client(party(fire))
    text = _text(signed_in.get(f"/streams/{stream.pk}/"))
    assert 'id="chat-form"' in text and f'data-gift-id="{gift.pk}"' in text
    assert stream.stream_key not in text


def test_a_stream_of_another_marketplace_is_not_found(fire, talent):
    _reader, stream = stream_of(talent)
    with tenant_context(fire):
        taken = set(LiveStream.objects.values_list("pk", flat=True))
    if stream.pk not in taken:
        assert api(fire, own_address=True).get(f"/streams/{stream.pk}/").status_code == 404
    assert api(fire, own_address=True).get("/streams/999999/").status_code == 404
    assert api(fire, own_address=True).get(f"/streams/{2**63}/").status_code == 404
