"""Live events: "event E happened for users U of this marketplace", published after commit.

Why here: an event is addressed to users and to nothing else, so the primitive lives in
accounts, the lowest tenant layer. Bookings' services call ``live_event_publish`` without
knowing who listens; the realtime app (above bookings) delivers, and reads the stream and
group names from this module. Nothing here imports an upper app.

Each user of each marketplace has a Redis stream (``live_stream_key``). XADD gives every event
an id that only grows per user ("<ms>-<seq>"), so a socket can resume after the last id it
saw. A stream keeps at most SOUK_LIVE_EVENTS_MAX_LEN entries and expires
SOUK_LIVE_EVENTS_RETENTION seconds after its last event. After the XADDs a wake-up goes to
each user's channel-layer group (``live_user_group``); a socket woken reads its stream from
its own cursor, so what it delivers is the stream itself: in order, without gap or duplicate.

Events carry references (ids), not rendered content: a socket renders each event for its user
with the API's own selectors (masking included) when it delivers it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from tenants.db import connection

logger = logging.getLogger(__name__)

WAKE = "live.wake"
_clients: dict[str, redis.Redis] = {}


def live_redis() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, decode_responses=True)
    return _clients[url]


def live_key_prefix(schema: str) -> str:
    """Every realtime key of one marketplace (streams, tickets, presence) starts with this."""
    return f"{settings.CACHES['default']['KEY_PREFIX']}:live:{schema}"


def live_stream_key(*, schema: str, user_id: int) -> str:
    return f"{live_key_prefix(schema)}:events:{user_id}"


def live_user_group(*, schema: str, user_id: int) -> str:
    """The channel-layer group of one user's sockets in one marketplace."""
    return f"live.{schema}.user.{user_id}"


# Wake-ups to send from an event loop (live_wakes_deferred): (schema, user ids) each.
Wakes = list[tuple[str, list[int]]]
_deferred_wakes: ContextVar[Wakes | None] = ContextVar("live_wakes_deferred", default=None)

# (user ids, kind, JSON payload) of one event.
Event = tuple[list[int], str, str]
# The events of the innermost open live_events_batch(), published together when it closes.
_batch: ContextVar[list[Event] | None] = ContextVar("live_events_batch", default=None)


def live_event_publish(*, user_ids: Iterable[int], kind: str, data: dict[str, Any]) -> None:
    """Append event ``kind`` with ``data`` (JSON, references only) to each user's stream once
    the current transaction commits (at once outside one), then wake their sockets. Inside
    ``live_events_batch()`` the event waits for the batch to close."""
    event = (sorted(set(user_ids)), kind, json.dumps(data, separators=(",", ":")))
    batch = _batch.get()
    if batch is not None:
        batch.append(event)
        return
    schema = connection.schema_name
    transaction.on_commit(lambda: _publish(schema, [event]))


@contextmanager
def live_events_batch() -> Iterator[None]:
    """Publish the events of the block together: one trip to Redis for all of them, and one
    wake-up per user, however many of that user's events the block made (a message is three
    for its recipient: the message, the notification, the counts). Nothing is published if the
    block raises; otherwise after the transaction commits, as each event would be."""
    if _batch.get() is not None:  # within a batch already: its events join that one
        yield
        return
    events: list[Event] = []
    token = _batch.set(events)
    try:
        yield
    finally:
        _batch.reset(token)
    if events:
        schema = connection.schema_name
        transaction.on_commit(lambda: _publish(schema, events))


def _publish(schema: str, events: list[Event]) -> None:
    retention_ms = settings.SOUK_LIVE_EVENTS_RETENTION * 1000
    try:
        pipe = live_redis().pipeline(transaction=False)
        for user_ids, kind, payload in events:
            for user_id in user_ids:
                key = live_stream_key(schema=schema, user_id=user_id)
                pipe.xadd(
                    key,
                    {"kind": kind, "data": payload},
                    maxlen=settings.SOUK_LIVE_EVENTS_MAX_LEN,
                    approximate=False,
                )
                pipe.pexpire(key, retention_ms)
        pipe.execute()
    except redis.RedisError:
        # The write is committed and the API shows it; only the live notice of it is lost
        # (the sockets learn of it on their next reload through the API).
        kinds = [kind for _users, kind, _payload in events]
        logger.exception("could not publish live events %s in %s", kinds, schema)
        return
    user_ids = sorted({user_id for users, _kind, _payload in events for user_id in users})
    deferred = _deferred_wakes.get()
    if deferred is not None:
        deferred.append((schema, user_ids))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    # One trip to the event loop for all the wake-ups, not one per user.
    try:
        if _loop_running_here():
            # Sync code on a thread that runs an event loop of its own (a sync driver of an
            # async library: Playwright in the browser tests) cannot wait on another loop in
            # this thread; a short-lived thread does the waiting.
            waker = threading.Thread(target=async_to_sync(_wake), args=(layer, schema, user_ids))
            waker.start()
            waker.join()
        else:
            async_to_sync(_wake)(layer, schema, user_ids)
    except Exception:
        logger.exception("could not wake the sockets of users %s in %s", user_ids, schema)


@contextmanager
def live_wakes_deferred(wakes: Wakes) -> Iterator[None]:
    """Within the block, the wake-ups of published events are added to ``wakes`` instead of
    sent. For a worker thread of an event loop (a socket's database work): waking from the
    thread means handing a coroutine to the loop and blocking until it is done; the loop's
    own task sends them (``live_wakes_send``) once the thread's call returns, before it
    answers anyone, so the order of what a client sees does not change."""
    token = _deferred_wakes.set(wakes)
    try:
        yield
    finally:
        _deferred_wakes.reset(token)


async def live_wakes_send(wakes: Wakes) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for schema, user_ids in wakes:
        await _wake(layer, schema, user_ids)


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _wake(layer, schema: str, user_ids: list[int]) -> None:
    for user_id in user_ids:
        try:
            await layer.group_send(live_user_group(schema=schema, user_id=user_id), {"type": WAKE})
        except Exception:
            # The event is in the stream: a socket catches up on its next wake or reconnect.
            logger.exception("could not wake the sockets of user %s in %s", user_id, schema)
