"""A live stream's chat: the last lines, for a viewer who arrives (bookings.services.stream_chat
writes them).

Chat is ephemeral: the lines live in a Redis stream per marketplace and stream, trimmed to the
last ``CHAT_HISTORY`` and gone ``CHAT_KEEP_SECONDS`` after the last line. Why not a table: a
stream's chat is a crowd talking over a show, not a record of a deal (a booking's messages are
kept as evidence for disputes); it is read only by those watching now, and a busy stream would
write rows by the thousand that nobody reads again. Contact details are masked before a line is
kept, so no raw address or number is kept anywhere.
"""

from __future__ import annotations

import json
from typing import Any, cast

from accounts.services.live_events import live_key_prefix, live_redis
from tenants.db import connection

CHAT_HISTORY = 50
CHAT_KEEP_SECONDS = 6 * 3600


def stream_chat_key(*, schema: str, stream_id: int) -> str:
    return f"{live_key_prefix(schema)}:stream-chat:{stream_id}"


def stream_chat_history(*, stream_id: int) -> list[dict[str, Any]]:
    """The stream's last chat lines, oldest first, as they were pushed to its viewers."""
    key = stream_chat_key(schema=connection.schema_name, stream_id=stream_id)
    entries = cast(
        "list[tuple[str, dict[str, str]]]", live_redis().xrevrange(key, count=CHAT_HISTORY)
    )
    return [{**json.loads(fields["line"]), "id": entry_id} for entry_id, fields in entries[::-1]]
