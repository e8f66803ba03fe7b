"""A signed-in viewer's chat line in a live stream (why chat is ephemeral: the selectors'
module, bookings.selectors.stream_chat).

A line is 1 to ``CHAT_MAX`` characters, refused while the stream is not live, counted against
the sender's allowance for the stream (SOUK_STREAM_CHAT_PER_MINUTE, a fixed window in the
default cache, whose keys carry the schema; a refused line counts too, as for messages) and
masked as messages are when the marketplace masks contact details (a stream has no booking
that could be paid, so its chat is always masked there), in the marketplace's language: every
viewer reads the same line. Kept in the chat's history, then announced as ``chat`` news.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services.live_events import live_redis
from bookings.models import LiveStream
from bookings.notification_texts import language_for
from bookings.selectors.messages import mask_contact_details, mask_text_for
from bookings.selectors.stream_chat import CHAT_HISTORY, CHAT_KEEP_SECONDS, stream_chat_key
from bookings.selectors.streams import sender_name_of
from bookings.services.messages.rate_limit import window_count
from bookings.services.stream_news import stream_news_announce
from config.errors import InvalidInput, NotFound, RateLimited, StateConflict
from tenants.db import connection

CHAT_MAX = 300


def _clean(body: str) -> str:
    body = (body or "").strip() if isinstance(body, str) else ""
    if not body:
        raise InvalidInput.of_field(_("Write a chat message."), "body", code="empty_message")
    if len(body) > CHAT_MAX:
        raise InvalidInput(
            _("A message has at most %(limit)s characters.") % {"limit": CHAT_MAX},
            code="message_too_long",
            details={"body": [_("At most %(limit)s characters.") % {"limit": CHAT_MAX}]},
        )
    return body


def _rate_check(user_id: int, stream_id: int) -> None:
    now = time.time()
    key = f"stream-chat-rate:{stream_id}:{user_id}:{int(now // 60)}"
    limit = settings.SOUK_STREAM_CHAT_PER_MINUTE
    if window_count(key, 120) > limit:
        retry_after = max(1, 60 - int(now % 60))
        raise RateLimited(
            _("You have sent too many messages; try again in %(retry_after)s seconds.")
            % {"retry_after": retry_after},
            code="message_rate_limited",
            details={"window": "minute", "limit": limit, "retry_after": retry_after},
        )


def stream_chat_send(*, actor, stream_id: int, body: str) -> dict[str, Any]:
    """Say ``body`` in the stream's chat; returns the line as its viewers get it.

    400 ``empty_message`` / ``message_too_long``; 404 for another marketplace's stream; 409
    ``stream_not_live``; 429 ``message_rate_limited``."""
    text = _clean(body)
    state = LiveStream.objects.filter(pk=stream_id).values_list("state", flat=True).first()
    if state is None:
        raise NotFound(_("No such stream."), code="not_found")
    if state != LiveStream.State.LIVE:
        raise StateConflict(_("This stream is not live."), code="stream_not_live")
    _rate_check(actor.pk, stream_id)
    masked = False
    marketplace = connection.tenant
    if getattr(marketplace, "mask_contact_details", False):
        replacement = mask_text_for(language_for(None, marketplace))
        text, masked = mask_contact_details(text, replacement=replacement)
    line = {
        "user_id": actor.pk,
        "name": sender_name_of(actor),
        "body": text,
        "masked": masked,
        "sent_at": timezone.now().isoformat(),
    }
    key = stream_chat_key(schema=connection.schema_name, stream_id=stream_id)
    pipe = live_redis().pipeline()
    pipe.xadd(key, {"line": json.dumps(line)}, maxlen=CHAT_HISTORY, approximate=False)
    pipe.expire(key, CHAT_KEEP_SECONDS)
    entry_id, _expiry = pipe.execute()
    line["id"] = entry_id
    stream_news_announce(stream_id=stream_id, kind="chat", data=line)
    return line
