"""Who is watching a live stream: a viewer joins (and joins again now and then to stay
counted), leaves, and is forgotten when the stream ends. The count lives in Redis
(bookings.selectors.streams); the stream row keeps a copy of the current count and the peak.

A viewer is the signed-in user, or an anonymous viewer's own random token: the same viewer
joining twice counts once.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from bookings.models import LiveStream
from bookings.selectors.streams import stream_viewer_count, viewers_key, viewers_redis
from bookings.services.stream_news import stream_news_announce
from config.errors import InvalidInput, NotFound, StateConflict
from tenants.db import connection

VIEWER_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _viewer_id(user, viewer_token: str) -> str:
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    if not VIEWER_TOKEN.fullmatch(viewer_token or ""):
        raise InvalidInput.of_field(
            _("Send a viewer token of 16 to 64 letters, digits, - or _."), "viewer_token"
        )
    return f"t:{viewer_token}"


def _live_stream(stream_id: int) -> LiveStream:
    stream = LiveStream.objects.filter(pk=stream_id).first()
    if stream is None:
        raise NotFound(_("No such stream."), code="not_found")
    if stream.state != LiveStream.State.LIVE:
        raise StateConflict(_("This stream is not live."), code="stream_not_live")
    return stream


def _record(stream_id: int) -> int:
    count = stream_viewer_count(stream_id=stream_id)
    changed = (
        LiveStream.objects.filter(pk=stream_id, state=LiveStream.State.LIVE)
        .exclude(current_viewer_count=count)
        .update(
            current_viewer_count=count, peak_viewer_count=Greatest(F("peak_viewer_count"), count)
        )
    )
    # Only a change is news: a viewer who joins again to stay counted changes nothing.
    if changed:
        stream_news_announce(stream_id=stream_id, kind="viewers", data={"count": count})
    return count


def stream_viewer_join(*, stream_id: int, user=None, viewer_token: str = "") -> int:
    """Count the viewer in (or keep them counted); returns the stream's viewer count."""
    viewer = _viewer_id(user, viewer_token)
    _live_stream(stream_id)
    now = time.time()
    key = viewers_key(schema=connection.schema_name, stream_id=stream_id)
    pipe = viewers_redis().pipeline()
    pipe.zadd(key, {viewer: now})
    pipe.zremrangebyscore(key, "-inf", now - settings.SOUK_STREAM_VIEWER_SECONDS)
    # The set outlives a silent stream by no more than a viewer's own lifetime.
    pipe.expire(key, settings.SOUK_STREAM_VIEWER_SECONDS * 2)
    pipe.execute()
    return _record(stream_id)


def stream_viewer_leave(*, stream_id: int, user=None, viewer_token: str = "") -> int:
    viewer = _viewer_id(user, viewer_token)
    if not LiveStream.objects.filter(pk=stream_id).exists():
        raise NotFound(_("No such stream."), code="not_found")
    viewers_redis().zrem(viewers_key(schema=connection.schema_name, stream_id=stream_id), viewer)
    return _record(stream_id)


def stream_viewers_clear(*, schema: str, stream_id: int) -> None:
    viewers_redis().delete(viewers_key(schema=schema, stream_id=stream_id))
