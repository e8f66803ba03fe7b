"""The sockets watching a live stream (realtime.stream_consumer) share one channel-layer group
per marketplace and stream; bookings' stream news (bookings.services.stream_news) is pushed to
it as it is announced."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

STREAM_NEWS = "stream.news"


def stream_room_group(*, schema: str, stream_id: int) -> str:
    return f"live.{schema}.stream.{stream_id}"


def stream_room_tell(*, schema: str, stream_id: int, kind: str, data: dict[str, Any]) -> None:
    """Push one piece of news to the stream's sockets (a stream_news listener)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        stream_room_group(schema=schema, stream_id=stream_id),
        {"type": STREAM_NEWS, "kind": kind, "data": data},
    )
