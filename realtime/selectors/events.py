"""Reads of a user's event stream (accounts.services.live_events writes it).

Ids are Redis stream ids, "<milliseconds>-<sequence>", increasing per user. A socket keeps a
cursor (the last id it delivered) and reads strictly after it. Resuming from a client's
``last_event_id`` is refused with a resync when events after it may be gone: the id is
malformed, older than the retention, newer than the stream (not one of ours), the stream has
expired, or the stream was cut to its maximum length past that id. ``0-0`` (what ``ready``
says before the user's first event) resumes quietly only while the stream is still empty.
A resync is always safe; a silent gap never is.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings

from accounts.services.live_events import live_redis, live_stream_key

EVENT_ID = re.compile(r"^\d{1,15}-\d{1,19}$")
BATCH = 100
START = "0-0"


@dataclass(frozen=True)
class LiveEvent:
    id: str
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Resume:
    """Where a (re)connecting socket starts: after ``cursor``; ``resync``: the client must
    reload what it shows through the API, as events before ``cursor`` may be lost to it."""

    cursor: str
    resync: bool


Rows = list[tuple[str, dict[str, str]]]  # what XRANGE answers with decode_responses


def _order(event_id: str) -> tuple[int, int]:
    ms, seq = event_id.split("-")
    return int(ms), int(seq)


def live_stream_head(*, schema: str, user_id: int) -> str:
    """The id of the user's newest event (START when there is none)."""
    key = live_stream_key(schema=schema, user_id=user_id)
    newest = cast(Rows, live_redis().xrevrange(key, count=1))
    return newest[0][0] if newest else START


def live_stream_resume(*, schema: str, user_id: int, last_event_id: str | None) -> Resume:
    """Where to start for a socket that says it has seen everything up to ``last_event_id``
    (None: a fresh start, live events only)."""
    head = live_stream_head(schema=schema, user_id=user_id)
    if last_event_id is None:
        return Resume(cursor=head, resync=False)
    if not EVENT_ID.match(last_event_id):
        return Resume(cursor=head, resync=True)
    if last_event_id == START:  # "I had seen nothing yet": fine while there is nothing
        return Resume(cursor=head, resync=head != START)
    now_ms = int(time.time() * 1000)
    if _order(last_event_id)[0] < now_ms - settings.SOUK_LIVE_EVENTS_RETENTION * 1000:
        return Resume(cursor=head, resync=True)
    if head == START or _order(last_event_id) > _order(head):
        return Resume(cursor=head, resync=True)
    key = live_stream_key(schema=schema, user_id=user_id)
    oldest = cast(Rows, live_redis().xrange(key, count=1))
    trimmed = live_redis().xlen(key) >= settings.SOUK_LIVE_EVENTS_MAX_LEN
    if oldest and _order(oldest[0][0]) > _order(last_event_id) and trimmed:
        return Resume(cursor=head, resync=True)
    return Resume(cursor=last_event_id, resync=False)


def live_events_after(*, schema: str, user_id: int, after: str) -> list[LiveEvent]:
    """The user's events strictly after id ``after``, oldest first."""
    key = live_stream_key(schema=schema, user_id=user_id)
    events: list[LiveEvent] = []
    cursor = after
    while True:
        rows = cast(Rows, live_redis().xrange(key, min=f"({cursor}", max="+", count=BATCH))
        for event_id, fields in rows:
            events.append(LiveEvent(event_id, fields["kind"], json.loads(fields["data"])))
        if len(rows) < BATCH:
            return events
        cursor = rows[-1][0]
