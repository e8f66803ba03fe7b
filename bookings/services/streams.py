"""Live streams: the provider's create, start, end and key rotation, and the ingest server's
publish callbacks.

States: ``scheduled`` → ``live`` → ``ended``, nothing else. The provider starts a stream (or
the ingest server does, when the provider's broadcasting software begins publishing its key)
and ends it (or the ingest server does, when publishing stops). An ended stream stays ended:
its key publishes nothing any more.

The ingest server (nginx-rtmp, platform/nginx-rtmp.conf) calls
``POST /api/v1/streams/ingest/publish/?secret=…`` on the marketplace's host with the stream key
as ``name``. It is trusted only with the right ``SOUK_INGEST_SECRET`` *and* a key of a stream
of this marketplace that may publish; anything else is a 403 that changes nothing. Each move
locks the stream's row, checks the table below, saves and writes a ``LiveStreamEvent``.
"""

from __future__ import annotations

import hmac
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import LiveStream, LiveStreamEvent
from bookings.selectors.streams import hls_playlist_url
from bookings.services.stream_news import stream_news_announce
from bookings.services.stream_viewers import stream_viewers_clear
from catalog.services.profiles import profile_of
from config.errors import InvalidInput, NotAllowed, NotFound, StateConflict
from tenants.db import connection

State = LiveStream.State
Source = LiveStreamEvent.Source
TITLE_MAX = 140
# action: (states it may start from, state it leads to)
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({State.SCHEDULED}), State.LIVE),
    "publish": (frozenset({State.SCHEDULED, State.LIVE}), State.LIVE),
    "end": (frozenset({State.SCHEDULED, State.LIVE}), State.ENDED),
    "publish_done": (frozenset({State.LIVE}), State.ENDED),
}


def new_stream_key() -> str:
    return secrets.token_urlsafe(32)


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput.of_field(_("Give the stream a title of 1 to 140 characters."), "title")
    return title


def live_stream_create(*, actor, title: str) -> LiveStream:
    profile = profile_of(actor)
    return LiveStream.objects.create(
        provider=profile,
        title=_title(title),
        stream_key=new_stream_key(),
        playback_id=uuid.uuid4().hex,
    )


def _own_locked(actor, stream_id: int) -> LiveStream:
    stream = (
        LiveStream.objects.select_for_update()
        .filter(pk=stream_id, provider__user=actor)
        .select_related("provider")
        .first()
    )
    if stream is None:
        raise NotFound(_("No such stream."), code="not_found")
    return stream


def _move(stream: LiveStream, action: str, *, source: str, actor=None, data=None) -> LiveStream:
    """Apply ``action`` to the locked ``stream``; 409 ``stream_state`` when it may not."""
    allowed_from, to = MOVES[action]
    before = stream.state
    if before not in allowed_from:
        raise StateConflict(
            _("The stream's state does not allow this."),
            code="stream_state",
            details={"state": before},
        )
    now = timezone.now()
    stream.state = to
    fields = ["state"]
    if to == State.LIVE:
        stream.started_at = now
        fields.append("started_at")
    if to == State.ENDED:
        stream.ended_at = now
        stream.current_viewer_count = 0
        fields += ["ended_at", "current_viewer_count"]
        schema, stream_id = connection.schema_name, stream.pk
        transaction.on_commit(lambda: stream_viewers_clear(schema=schema, stream_id=stream_id))
    stream.save(update_fields=fields)
    LiveStreamEvent.objects.create(
        stream=stream, action=action, from_state=before, to_state=to, source=source,
        actor=actor, data=data or {},
    )  # fmt: skip
    stream_news_announce(
        stream_id=stream.pk, kind="state", data={"state": to, "hls_url": hls_playlist_url(stream)}
    )
    return stream


@transaction.atomic
def live_stream_start(*, actor, stream_id: int) -> LiveStream:
    return _move(_own_locked(actor, stream_id), "start", source=Source.PROVIDER, actor=actor)


@transaction.atomic
def live_stream_end(*, actor, stream_id: int) -> LiveStream:
    return _move(_own_locked(actor, stream_id), "end", source=Source.PROVIDER, actor=actor)


@transaction.atomic
def live_stream_key_rotate(*, actor, stream_id: int) -> LiveStream:
    """A new key; the old one publishes nothing from now on. Refused while live (409
    ``stream_state``): the running broadcast's end is reported under the key it started with."""
    stream = _own_locked(actor, stream_id)
    if stream.state != State.SCHEDULED:
        raise StateConflict(
            _("A stream key can be changed only before the stream starts."),
            code="stream_state",
            details={"state": stream.state},
        )
    stream.stream_key = new_stream_key()
    stream.save(update_fields=["stream_key"])
    LiveStreamEvent.objects.create(
        stream=stream, action="rotate_key", from_state=stream.state, to_state=stream.state,
        source=Source.PROVIDER, actor=actor,
    )  # fmt: skip
    return stream


def _ingest_refused() -> NotAllowed:
    # One answer for a wrong secret, an unknown key and a stream that may not publish, so
    # the callback tells a caller nothing about which it got wrong.
    return NotAllowed(_("This stream may not publish."), code="ingest_refused")


def _ingest_locked(secret: str, stream_key: str, action: str) -> LiveStream:
    expected = settings.SOUK_INGEST_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise _ingest_refused()
    if not stream_key:
        raise _ingest_refused()
    stream = LiveStream.objects.select_for_update().filter(stream_key=stream_key).first()
    if stream is None or stream.state not in MOVES[action][0]:
        raise _ingest_refused()
    return stream


@transaction.atomic
def live_stream_ingest_publish(
    *, secret: str, stream_key: str, client_id: str = "", client_addr: str = ""
) -> str:
    """The ingest server asks whether ``stream_key`` may publish: the stream goes live and the
    answer is its public ``playback_id``, the name the ingest server publishes (and writes the
    HLS playlist) under, so the key itself never reaches a viewer. 403 otherwise.

    On a live stream (the provider pressed start first, or the encoder reconnected) the new
    connection becomes the stream's publisher."""
    stream = _ingest_locked(secret, stream_key, "publish")
    data = {"client_id": client_id[:64], "addr": client_addr[:64]}
    if stream.state == State.LIVE:
        LiveStreamEvent.objects.create(
            stream=stream, action="publish", from_state=stream.state, to_state=stream.state,
            source=Source.INGEST, data=data,
        )  # fmt: skip
    else:
        _move(stream, "publish", source=Source.INGEST, data=data)
    stream.ingest_client_id = client_id[:64]
    stream.save(update_fields=["ingest_client_id"])
    return stream.playback_id


@transaction.atomic
def live_stream_ingest_publish_done(
    *, secret: str, stream_key: str, client_id: str = ""
) -> LiveStream:
    """Publishing stopped: the stream ends. 403 for anything but a live stream's key. The end
    of a connection that is not the stream's publisher (a second encoder nginx-rtmp turned
    away, a connection replaced by a reconnect) changes nothing."""
    stream = _ingest_locked(secret, stream_key, "publish_done")
    if stream.ingest_client_id and client_id != stream.ingest_client_id:
        return stream
    return _move(stream, "publish_done", source=Source.INGEST, data={"client_id": client_id[:64]})
