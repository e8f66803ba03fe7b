"""Reading live streams: what a viewer sees, what the provider sees, and who is watching.

Viewers are counted in Redis, per marketplace (the key carries the schema): a sorted set per
stream of viewer ids scored by when each last said it was watching. A viewer counts for
``SOUK_STREAM_VIEWER_SECONDS`` after that (bookings.services.stream_viewers writes it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import redis
from django.conf import settings
from django.utils.translation import gettext as _

from bookings.models import GiftSent, LiveStream
from config.errors import NotFound
from tenants.db import connection

RECENT_GIFTS = 20


@cache
def viewers_redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def viewers_key(*, schema: str, stream_id: int) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:{schema}:stream:{stream_id}:viewers"


def stream_viewer_count(*, stream_id: int, now: float | None = None) -> int:
    """Viewers of the stream seen within ``SOUK_STREAM_VIEWER_SECONDS``."""
    since = (now if now is not None else time.time()) - settings.SOUK_STREAM_VIEWER_SECONDS
    key = viewers_key(schema=connection.schema_name, stream_id=stream_id)
    return int(viewers_redis().zcount(key, since, "+inf"))


def hls_playlist_url(stream: LiveStream) -> str | None:
    """Where the stream plays while it is live (the ingest server writes it there); None
    while it is not, or when ``SOUK_HLS_BASE_URL`` is not set."""
    if stream.state != LiveStream.State.LIVE or not settings.SOUK_HLS_BASE_URL:
        return None
    return f"{settings.SOUK_HLS_BASE_URL}/{stream.playback_id}.m3u8"


@dataclass(frozen=True)
class RecentGift:
    sender_name: str
    gift_name: str
    icon: str
    quantity: int
    total_minor: int
    currency: str
    sent_at: datetime


@dataclass(frozen=True)
class StreamView:
    """A stream as a viewer (anyone) sees it: never its key."""

    id: int
    title: str
    provider_id: int
    provider_name: str
    state: str
    started_at: datetime | None
    ended_at: datetime | None
    hls_url: str | None
    viewer_count: int
    peak_viewer_count: int
    recent_gifts: list[RecentGift]


def sender_name_of(user) -> str:
    # The name the sender shows on the marketplace (never their e-mail address).
    return user.display_name or _("Someone")


def stream_recent_gifts(*, stream_id: int, limit: int = RECENT_GIFTS) -> list[RecentGift]:
    rows = (
        GiftSent.objects.filter(stream_id=stream_id)
        .select_related("gift", "sender")
        .order_by("-id")[:limit]
    )
    return [
        RecentGift(
            sender_name=sender_name_of(row.sender),
            gift_name=row.gift.name,
            icon=row.gift.icon,
            quantity=row.quantity,
            total_minor=row.total_minor,
            currency=row.currency,
            sent_at=row.created_at,
        )  # fmt: skip
        for row in rows
    ]


def stream_view_of(stream: LiveStream) -> StreamView:
    live = stream.state == LiveStream.State.LIVE
    return StreamView(
        id=stream.pk,
        title=stream.title,
        provider_id=stream.provider_id,
        provider_name=stream.provider.display_name,
        state=stream.state,
        started_at=stream.started_at,
        ended_at=stream.ended_at,
        hls_url=hls_playlist_url(stream),
        viewer_count=stream_viewer_count(stream_id=stream.pk) if live else 0,
        peak_viewer_count=stream.peak_viewer_count,
        recent_gifts=stream_recent_gifts(stream_id=stream.pk),
    )


def stream_get(*, stream_id: int) -> StreamView:
    """Any stream of this marketplace, as a viewer sees it; 404 for another's ids."""
    stream = LiveStream.objects.select_related("provider").filter(pk=stream_id).first()
    if stream is None:
        raise NotFound(_("No such stream."), code="not_found")
    return stream_view_of(stream)


def stream_list(*, state: str | None = None, limit: int = 50) -> list[LiveStream]:
    """Streams that are live or scheduled (or of ``state``), newest first, for a listing page."""
    queryset = LiveStream.objects.select_related("provider")
    if state:
        queryset = queryset.filter(state=state)
    else:
        queryset = queryset.exclude(state=LiveStream.State.ENDED)
    return list(queryset.order_by("-id")[:limit])


def provider_streams(*, actor) -> list[LiveStream]:
    """The provider's own streams, keys included (for the provider's eyes only)."""
    return list(
        LiveStream.objects.filter(provider__user=actor).select_related("provider").order_by("-id")
    )


def provider_stream_get(*, actor, stream_id: int) -> LiveStream:
    stream = (
        LiveStream.objects.filter(pk=stream_id, provider__user=actor)
        .select_related("provider")
        .first()
    )
    if stream is None:
        raise NotFound(_("No such stream."), code="not_found")
    return stream
