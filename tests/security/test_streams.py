"""Live streams across marketplaces and users: another marketplace's stream ids, stream keys
and gift ids find nothing on this marketplace's host; the ingest callbacks take a key only on
its own marketplace's host and with the ingest secret; another provider cannot move a
stream; and the stream key is in no answer but its provider's own."""

import pytest
from django_tenants.utils import tenant_context

from bookings.models import Gift, GiftSent, LiveStream, LiveStreamEvent
from tests.streams.support import INGEST_SECRET, gift_in, stream_of, usd, viewer_with
from tests.support.client import api, assert_error
from tests.support.factories.bookings import provider_party, staff_party

PUBLISH = "/api/v1/streams/ingest/publish/"
PUBLISH_DONE = "/api/v1/streams/ingest/publish-done/"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _ingest_secret(settings):
    settings.SOUK_INGEST_SECRET = INGEST_SECRET


@pytest.fixture
def home(make_marketplace):
    return make_marketplace("psychic-readers")


@pytest.fixture
def elsewhere(make_marketplace):
    return make_marketplace("psychic-readers")


def ingest(client, path, key, *, secret=INGEST_SECRET, client_id="7"):
    body = (
        f"call=publish&app=live&name={key}&addr=203.0.113.9&flashver=FMLE%2F3.0"
        f"&clientid={client_id}"
    )
    return client.post(f"{path}?secret={secret}", body, content_type=FORM)


def state_and_events(marketplace, stream):
    with tenant_context(marketplace):
        return (
            LiveStream.objects.get(pk=stream.pk).state,
            LiveStreamEvent.objects.filter(stream=stream).count(),
        )


def test_another_marketplaces_streams_and_gifts_are_not_found_here(home, elsewhere):
    reader, stream = stream_of(home)
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    gift = gift_in(home, price_minor=100)
    # On the other marketplace: a viewer with money, its own reader and staff, none of its
    # own streams or gifts, so a found id could only be the home marketplace's.
    viewer = viewer_with(elsewhere, balance=usd(1_000))
    their_reader, _profile = provider_party(elsewhere)
    their_staff = staff_party(elsewhere)

    assert_error(viewer.api.get(f"/api/v1/streams/{stream.pk}/"), 404, "not_found")
    assert_error(api(elsewhere).get(f"/api/v1/streams/{stream.pk}/"), 404)
    assert viewer.api.get("/api/v1/streams/").json() == []
    assert_error(viewer.api.post(f"/api/v1/streams/{stream.pk}/join/", {}), 404)
    assert_error(
        viewer.api.post(
            f"/api/v1/streams/{stream.pk}/gifts/", {"gift_id": gift.pk},
            HTTP_IDEMPOTENCY_KEY="cross-market-1",
        ),
        404,
    )  # fmt: skip
    assert_error(their_reader.api.get(f"/api/v1/streams/mine/{stream.pk}/"), 404)
    for move in ("start", "end", "rotate-key"):
        assert_error(their_reader.api.post(f"/api/v1/streams/{stream.pk}/{move}/"), 404)
    assert their_reader.api.get("/api/v1/streams/mine/").json() == []
    assert viewer.api.get("/api/v1/gifts/").json() == []
    assert_error(their_staff.api.patch(f"/api/v1/gifts/{gift.pk}/", {"active": False}), 404)

    # The home marketplace is untouched.
    assert state_and_events(home, stream) == ("live", 1)
    with tenant_context(home):
        assert not GiftSent.objects.exists()
        assert Gift.objects.get(pk=gift.pk).active


def test_a_key_publishes_only_on_its_own_marketplaces_host_with_the_secret(home, elsewhere):
    _reader, stream = stream_of(home)
    key = stream.stream_key

    # A's key on B's host, with the right secret: refused, nothing changes anywhere.
    assert_error(ingest(api(elsewhere), PUBLISH, key), 403, "ingest_refused")
    # The right host and key with a wrong or missing secret: refused the same way.
    assert_error(ingest(api(home), PUBLISH, key, secret="wrong"), 403, "ingest_refused")
    assert_error(ingest(api(home), PUBLISH, key, secret=""), 403, "ingest_refused")
    assert state_and_events(home, stream) == ("scheduled", 0)

    # The right host, secret and key: live, and renamed to the public playback id.
    allowed = ingest(api(home), PUBLISH, key)
    assert allowed.status_code == 302
    assert allowed["Location"] == stream.playback_id
    assert state_and_events(home, stream) == ("live", 1)

    # Ending it takes the same three.
    assert_error(ingest(api(elsewhere), PUBLISH_DONE, key), 403, "ingest_refused")
    assert_error(ingest(api(home), PUBLISH_DONE, key, secret="wrong"), 403, "ingest_refused")
    assert state_and_events(home, stream) == ("live", 1)
    # The end of a connection that is not the publisher (a second encoder) ends nothing.
    assert ingest(api(home), PUBLISH_DONE, key, client_id="8").status_code == 204
    assert state_and_events(home, stream) == ("live", 1)
    assert ingest(api(home), PUBLISH_DONE, key).status_code == 204
    assert state_and_events(home, stream) == ("ended", 2)
    # An ended stream's key is refused and changes nothing.
    assert_error(ingest(api(home), PUBLISH, key), 403, "ingest_refused")
    assert state_and_events(home, stream) == ("ended", 2)


def test_without_a_configured_secret_every_callback_is_refused(home, settings):
    settings.SOUK_INGEST_SECRET = ""
    _reader, stream = stream_of(home)
    assert_error(ingest(api(home), PUBLISH, stream.stream_key, secret=""), 403)
    assert state_and_events(home, stream) == ("scheduled", 0)


def test_the_stream_key_is_in_no_answer_but_its_providers_own(home):
    reader, stream = stream_of(home)
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    gift = gift_in(home, price_minor=100)
    customer = viewer_with(home, balance=usd(1_000))
    other_reader, _profile = provider_party(home)
    staff = staff_party(home)
    anonymous = api(home)
    sent = customer.api.post(
        f"/api/v1/streams/{stream.pk}/gifts/", {"gift_id": gift.pk},
        HTTP_IDEMPOTENCY_KEY="key-leak-gift-1",
    )  # fmt: skip
    assert sent.status_code == 201, sent.content

    answers = [
        sent,
        anonymous.get("/api/v1/streams/"),
        anonymous.get(f"/api/v1/streams/{stream.pk}/"),
        anonymous.post(f"/api/v1/streams/{stream.pk}/join/", {"viewer_token": "a" * 24}),
    ]
    for client in (customer.api, other_reader.api, staff.api):
        answers += [
            client.get("/api/v1/streams/"),
            client.get(f"/api/v1/streams/{stream.pk}/"),
            client.get("/api/v1/streams/mine/"),
            client.get(f"/api/v1/streams/mine/{stream.pk}/"),
            client.post(f"/api/v1/streams/{stream.pk}/join/", {}),
        ]
    for answer in answers:
        assert answer.status_code < 500, answer.content
        assert stream.stream_key.encode() not in answer.content, answer.request["PATH_INFO"]
    assert customer.api.get("/api/v1/streams/mine/").status_code == 403
    assert other_reader.api.get("/api/v1/streams/mine/").json() == []

    # The provider's own answers carry it, and a new one after rotation (before the start).
    assert reader.api.get(f"/api/v1/streams/mine/{stream.pk}/").json()["stream_key"] == (
        stream.stream_key
    )
    later_reader, later = stream_of(home)
    rotated = later_reader.api.post(f"/api/v1/streams/{later.pk}/rotate-key/")
    assert rotated.status_code == 200
    assert rotated.json()["stream_key"] not in ("", later.stream_key)
    # Another provider's stream is not found; a live one keeps its key.
    assert_error(later_reader.api.post(f"/api/v1/streams/{stream.pk}/rotate-key/"), 404)
    assert_error(reader.api.post(f"/api/v1/streams/{stream.pk}/rotate-key/"), 409, "stream_state")
    # The old key publishes nothing.
    assert_error(ingest(api(home), PUBLISH, later.stream_key), 403, "ingest_refused")
