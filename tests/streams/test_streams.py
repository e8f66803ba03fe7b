"""A provider's streams: create, start, end and key rotation through the API, each move
recorded; viewers counted per marketplace in Redis, each once, forgotten when they go quiet
or the stream ends."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from bookings.models import LiveStream, LiveStreamEvent
from bookings.selectors.streams import stream_viewer_count
from tests.streams.support import stream_of
from tests.support.client import api, assert_error, fresh_address
from tests.support.factories.bookings import party


@pytest.fixture
def readers(make_marketplace):
    return make_marketplace("psychic-readers")


def test_a_provider_schedules_starts_and_ends_a_stream_and_each_move_is_recorded(readers):
    reader, stream = stream_of(readers, title="  Full moon tarot  ")
    assert (stream.title, stream.state) == ("Full moon tarot", "scheduled")
    assert len(stream.stream_key) >= 40 and stream.playback_id not in stream.stream_key

    started = reader.api.post(f"/api/v1/streams/{stream.pk}/start/")
    assert started.status_code == 200, started.content
    assert started.json()["state"] == "live"
    assert started.json()["hls_url"].endswith(f"/{stream.playback_id}.m3u8")
    assert_error(reader.api.post(f"/api/v1/streams/{stream.pk}/start/"), 409, "stream_state")
    ended = reader.api.post(f"/api/v1/streams/{stream.pk}/end/")
    assert ended.status_code == 200 and ended.json()["state"] == "ended"
    assert ended.json()["hls_url"] is None
    assert_error(reader.api.post(f"/api/v1/streams/{stream.pk}/end/"), 409, "stream_state")
    assert_error(reader.api.post(f"/api/v1/streams/{stream.pk}/start/"), 409, "stream_state")

    with tenant_context(readers):
        stream.refresh_from_db()
        assert stream.started_at <= stream.ended_at
        moves = list(
            LiveStreamEvent.objects.filter(stream=stream).values_list(
                "action", "from_state", "to_state", "source", "actor_id"
            )
        )
    assert moves == [
        ("start", "scheduled", "live", "provider", reader.user.pk),
        ("end", "live", "ended", "provider", reader.user.pk),
    ]


def test_a_scheduled_stream_may_end_without_starting(readers):
    reader, stream = stream_of(readers)
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/end/").json()["state"] == "ended"


def test_only_providers_create_streams_and_a_title_is_needed(readers):
    customer = party(readers)
    assert_error(customer.api.post("/api/v1/streams/", {"title": "Mine"}), 403)
    assert_error(api(readers).post("/api/v1/streams/", {"title": "Mine"}), 401)
    reader, _stream = stream_of(readers)
    assert_error(reader.api.post("/api/v1/streams/", {"title": "   "}), 400)
    assert_error(reader.api.post("/api/v1/streams/", {"title": "x" * 141}), 400)


def test_the_key_rotates_before_the_start_only(readers):
    reader, stream = stream_of(readers)
    rotated = reader.api.post(f"/api/v1/streams/{stream.pk}/rotate-key/").json()
    assert rotated["stream_key"] != stream.stream_key
    assert rotated["playback_id"] == stream.playback_id
    mine = reader.api.get(f"/api/v1/streams/mine/{stream.pk}/").json()
    assert mine["stream_key"] == rotated["stream_key"]
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    assert_error(reader.api.post(f"/api/v1/streams/{stream.pk}/rotate-key/"), 409, "stream_state")


def test_viewers_count_once_each_and_the_peak_stays(readers):
    reader, stream = stream_of(readers)
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    signed_in = party(readers)
    anonymous = api(readers)
    join, leave = f"/api/v1/streams/{stream.pk}/join/", f"/api/v1/streams/{stream.pk}/leave/"

    assert signed_in.api.post(join, {}).json() == {"viewer_count": 1}
    assert signed_in.api.post(join, {}).json() == {"viewer_count": 1}
    assert anonymous.post(join, {"viewer_token": "t" * 20}).json() == {"viewer_count": 2}
    assert anonymous.post(join, {"viewer_token": "u" * 20}).json() == {"viewer_count": 3}
    assert anonymous.post(leave, {"viewer_token": "u" * 20}).json() == {"viewer_count": 2}
    assert_error(anonymous.post(join, {"viewer_token": "short"}), 400)
    assert_error(anonymous.post(join, {}), 400)

    seen = anonymous.get(f"/api/v1/streams/{stream.pk}/").json()
    assert (seen["viewer_count"], seen["peak_viewer_count"]) == (2, 3)
    assert "stream_key" not in seen


def test_a_quiet_viewer_stops_counting(readers, settings):
    settings.SOUK_STREAM_VIEWER_SECONDS = 60
    reader, stream = stream_of(readers)
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        assert party(readers).api.post(f"/api/v1/streams/{stream.pk}/join/", {}).status_code == 200
        clock.move_to(now + timedelta(seconds=59))
        with tenant_context(readers):
            assert stream_viewer_count(stream_id=stream.pk) == 1
        clock.move_to(now + timedelta(seconds=61))
        with tenant_context(readers):
            assert stream_viewer_count(stream_id=stream.pk) == 0


def test_viewers_are_counted_per_marketplace_and_forgotten_when_the_stream_ends(
    readers, make_marketplace, django_capture_on_commit_callbacks
):
    other = make_marketplace("psychic-readers")
    reader, stream = stream_of(readers)
    other_reader, other_stream = stream_of(other)
    # Both marketplaces' first stream: the same id in two schemas.
    assert stream.pk == other_stream.pk
    for who, sid in ((reader, stream.pk), (other_reader, other_stream.pk)):
        assert who.api.post(f"/api/v1/streams/{sid}/start/").status_code == 200
    for _ in range(2):
        party(readers).api.post(f"/api/v1/streams/{stream.pk}/join/", {})
    party(other).api.post(f"/api/v1/streams/{other_stream.pk}/join/", {})
    with tenant_context(readers):
        assert stream_viewer_count(stream_id=stream.pk) == 2
    with tenant_context(other):
        assert stream_viewer_count(stream_id=other_stream.pk) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert reader.api.post(f"/api/v1/streams/{stream.pk}/end/").status_code == 200
    with tenant_context(readers):
        assert stream_viewer_count(stream_id=stream.pk) == 0
        assert LiveStream.objects.get(pk=stream.pk).current_viewer_count == 0
    with tenant_context(other):
        assert stream_viewer_count(stream_id=other_stream.pk) == 1
    assert_error(party(readers).api.post(f"/api/v1/streams/{stream.pk}/join/", {}), 409,
                 "stream_not_live")  # fmt: skip


def test_one_address_joining_is_throttled(readers):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["stream_viewer"]
    number, period = rate.split("/")
    assert period.startswith("m"), "the test spends a rate per minute"
    client = api(readers, REMOTE_ADDR=fresh_address())
    # Refused by validation after the throttle (a malformed token): each costs nothing else.
    for n in range(int(number)):
        answer = client.post("/api/v1/streams/1/join/", {"viewer_token": "x"})
        assert answer.status_code == 400, (n, answer.content)
    assert_error(client.post("/api/v1/streams/1/join/", {"viewer_token": "x"}), 429, "throttled")


def test_a_reconnect_takes_over_and_the_replaced_connections_end_ends_nothing(readers, settings):
    settings.SOUK_INGEST_SECRET = "s" * 32
    reader, stream = stream_of(readers)
    assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
    ingest = api(readers)

    def call(path, client_id):
        return ingest.post(
            f"/api/v1/streams/ingest/{path}/?secret={'s' * 32}",
            f"call=x&app=live&name={stream.stream_key}&clientid={client_id}",
            content_type="application/x-www-form-urlencoded",
        )

    assert call("publish", "1").status_code == 302  # already live: the encoder joins
    assert call("publish", "2").status_code == 302  # it reconnected
    assert call("publish-done", "1").status_code == 204  # the old connection's end, late
    with tenant_context(readers):
        assert LiveStream.objects.get(pk=stream.pk).state == "live"
    assert call("publish-done", "2").status_code == 204
    with tenant_context(readers):
        assert LiveStream.objects.get(pk=stream.pk).state == "ended"
        moves = list(
            LiveStreamEvent.objects.filter(stream=stream).values_list("action", "to_state")
        )
    assert moves == [("start", "live"), ("publish", "live"), ("publish", "live"),
                     ("publish_done", "ended")]  # fmt: skip
