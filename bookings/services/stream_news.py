"""News of a live stream for whoever watches it: its state, its viewer count, chat lines and
gifts, told after the write commits.

Bookings does not know who listens (the realtime app, above it, pushes the news to the stream's
sockets): an upper app registers a listener in its ``AppConfig.ready``. A listener gets the
marketplace's schema, the stream's id, the kind of news and its data (JSON, public only: never
a price split, a balance or a stream key); one that fails is logged and the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from tenants.db import connection

logger = logging.getLogger(__name__)

Listener = Callable[..., None]
_listeners: list[Listener] = []


def stream_news_register(listener: Listener) -> None:
    """``listener(schema=, stream_id=, kind=, data=)`` hears every stream's news."""
    if listener not in _listeners:
        _listeners.append(listener)


def stream_news_announce(*, stream_id: int, kind: str, data: dict[str, Any]) -> None:
    """Tell the listeners once the current transaction commits (at once outside one)."""
    schema = connection.schema_name

    def tell() -> None:
        for listener in _listeners:
            try:
                listener(schema=schema, stream_id=stream_id, kind=kind, data=data)
            except Exception:
                logger.exception("stream news %s of stream %s in %s", kind, stream_id, schema)

    transaction.on_commit(tell)
