"""A real broadcast: ffmpeg publishes a test pattern over RTMP to Debian's nginx-rtmp running
the shipped platform/nginx-rtmp.conf, whose on_publish / on_publish_done callbacks reach Souk
(gunicorn, another process) on the marketplace's host. The stream goes live, HLS appears under
its public playback id (never the key), and the stream ends when publishing stops. A wrong
key, an ended stream's key and a wrong secret are refused and change nothing."""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from bookings.models import LiveStream, LiveStreamEvent
from bookings.services.streams import live_stream_create
from tenants.models import Marketplace
from tests.streams.ingest import Ingest, fetch, ingest_server, media_tools, poll, publish
from tests.support.contract import api_server, free_port
from tests.support.factories.bookings import provider_party

# django_db: pytest-django sets the test database up only for a run with tests that ask for it.
# What the server must see is made by the module's fixture, committed, before a test's
# transaction; a test reads what the server committed (READ COMMITTED) and writes nothing.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PREFIX = "ingest"
DOMAIN = f"{PREFIX}-readers.localhost"
SECRET = secrets.token_urlsafe(24)
State = LiveStream.State


def _remove_marketplaces() -> None:
    from tenants.models import Marketplace
    from tenants.services.lifecycle import SystemActor, marketplace_delete, marketplace_purge

    actor = SystemActor("ingest test")
    connection.set_schema_to_public()
    for marketplace in Marketplace.objects.filter(slug__startswith=f"{PREFIX}-"):
        if marketplace.status != Marketplace.Status.DELETED:
            marketplace = marketplace_delete(marketplace=marketplace, actor=actor)
        marketplace_purge(marketplace=marketplace, actor=actor, ignore_grace_period=True)


@dataclass(frozen=True)
class Broadcast:
    readers: Marketplace
    souk: str  # the server's base URL
    ingest: Ingest
    streams: dict[str, LiveStream]  # by test, scheduled

    def viewer_answer(self, stream: LiveStream) -> dict:
        request = urllib.request.Request(
            f"{self.souk}/api/v1/streams/{stream.pk}/", headers={"Host": DOMAIN}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())


@pytest.fixture(scope="module")
def broadcast(django_db_setup, django_db_blocker, _settings_for_tests):
    """A committed psychic-readers marketplace with a reader and their scheduled streams, Souk
    serving it, and nginx-rtmp calling Souk back on that marketplace's host."""
    media_tools()
    from tenants.services import marketplace_create

    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict
        _remove_marketplaces()
        readers = marketplace_create(
            preset="psychic-readers", name="Ingest readers", domain=DOMAIN,
            slug=f"{PREFIX}-readers", owner_email="owner@example.com",
        )  # fmt: skip
        reader, _profile = provider_party(readers, is_online=True)
        with tenant_context(readers):
            streams = {
                name: live_stream_create(actor=reader.user, title=f"Full moon tarot ({name})")
                for name in ("broadcast", "wrong key")
            }
        connection.set_schema_to_public()
        souk_port = free_port()
        # The server's log: its tail is in the error when the server does not start.
        log_dir = Path(tempfile.mkdtemp(prefix="souk-ingest-server-"))
        log = log_dir / "server.log"
        try:
            with ingest_server(
                souk_port=souk_port, marketplace_domain=DOMAIN, secret=SECRET
            ) as ingest:
                environment = {
                    "SOUK_INGEST_SECRET": SECRET,
                    "SOUK_HLS_BASE_URL": ingest.hls_base_url,
                }
                with api_server(log, workers=1, port=souk_port, environment=environment) as base:
                    yield Broadcast(readers, base, ingest, streams)
        finally:
            connection.set_schema_to_public()
            _remove_marketplaces()
            shutil.rmtree(log_dir, ignore_errors=True)


def state_of(readers, stream: LiveStream) -> str:
    with tenant_context(readers):
        return LiveStream.objects.get(pk=stream.pk).state


def finished(process, seconds: int = 60) -> tuple[int, str]:
    _out, errors = process.communicate(timeout=seconds)
    return process.returncode, errors


def test_a_broadcast_goes_live_writes_hls_under_its_playback_id_and_ends(broadcast):
    readers, ingest, stream = broadcast.readers, broadcast.ingest, broadcast.streams["broadcast"]
    ffmpeg = publish(ingest.publish_url(stream.stream_key))

    poll(lambda: state_of(readers, stream) == State.LIVE, seconds=20, what="the stream is live")
    playlist = ingest.hls_path / f"{stream.playback_id}.m3u8"
    poll(playlist.exists, seconds=20, what=f"{playlist} written")
    # What a viewer is told: the playlist's URL on the HLS server, which serves it.
    seen = broadcast.viewer_answer(stream)
    assert stream.stream_key not in json.dumps(seen)
    assert seen["state"] == "live"
    assert seen["hls_url"] == f"{ingest.hls_base_url}/{stream.playback_id}.m3u8"
    status, body = poll(
        lambda: (answer := fetch(seen["hls_url"]))[0] == 200 and answer,
        seconds=10, what="the playlist served",
    )  # fmt: skip
    assert body.startswith(b"#EXTM3U")

    code, errors = finished(ffmpeg)
    assert code == 0, errors
    poll(lambda: state_of(readers, stream) == State.ENDED, seconds=20, what="the stream ended")
    assert list(ingest.hls_path.glob(f"{stream.playback_id}-*.ts")), list(ingest.hls_path.iterdir())
    # The key names no file a viewer could fetch.
    assert not [path for path in ingest.hls_path.iterdir() if stream.stream_key in path.name]
    with tenant_context(readers):
        ended = LiveStream.objects.get(pk=stream.pk)
        assert ended.started_at < ended.ended_at
        moves = list(
            LiveStreamEvent.objects.filter(stream=ended).values_list("action", "source", "to_state")
        )
    assert moves == [("publish", "ingest", "live"), ("publish_done", "ingest", "ended")]

    # The ended stream's key publishes nothing again.
    again = publish(ingest.publish_url(stream.stream_key), seconds=2)
    code, _errors = finished(again)
    assert code != 0
    assert state_of(readers, stream) == State.ENDED
    with tenant_context(readers):
        assert LiveStreamEvent.objects.filter(stream=stream).count() == 2


def test_a_wrong_key_is_refused_and_changes_nothing(broadcast):
    readers, ingest, stream = broadcast.readers, broadcast.ingest, broadcast.streams["wrong key"]
    wrong = publish(ingest.publish_url(secrets.token_urlsafe(32)), seconds=2)
    code, _errors = finished(wrong)
    assert code != 0
    assert state_of(readers, stream) == State.SCHEDULED
    with tenant_context(readers):
        assert not LiveStreamEvent.objects.filter(stream=stream).exists()
    assert not list(ingest.hls_path.glob(f"{stream.playback_id}*"))
