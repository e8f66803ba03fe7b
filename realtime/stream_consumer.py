"""The socket of a live stream's page: ``/ws/streams/<stream id>/``.

Anyone may watch a stream of the marketplace (the Host's, checked with the Origin as for
``/ws/live/``); a ticket or a session makes the socket a signed-in user's, who may also chat and
send gifts. A ticket that is refused closes the socket (4401); a stream of another marketplace,
or none, closes it with 4404.

While the stream is live an open socket is one of its viewers (bookings' stream_viewers: a
signed-in user is counted once however many sockets they hold, an anonymous socket is its own
viewer), joining again every third of SOUK_STREAM_VIEWER_SECONDS to stay counted; it leaves
when it closes. A socket opened before the stream goes live starts counting when it does.

Frames from the server: ``ready`` (``user_id``, or null; ``stream``; the chat's last ``chat``
lines; the ``gifts`` last sent), then the stream's news as it happens: ``viewers``
(``count``), ``chat`` (a line), ``gift`` (who, which gift, how many) and ``state`` (``state``,
``hls_url``); ``ok`` and ``error`` answer the client's frames. Frames from the client:
``chat.send`` (``body``) and ``gift.send`` (``gift_id``, ``quantity``; its ``ref`` is the
Idempotency-Key, so a frame sent again pays once). docs/streams.md has the details.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from api.idempotency import KEY
from bookings.models import LiveStream
from bookings.selectors.stream_chat import stream_chat_history
from bookings.selectors.streams import stream_get
from bookings.services.gifts import gift_send
from bookings.services.stream_chat import stream_chat_send
from bookings.services.stream_viewers import stream_viewer_join, stream_viewer_leave
from config.errors import AuthenticationFailed, InvalidInput, NotFound, ServiceError
from realtime.frames import FramedConsumer, row_id
from realtime.handshake import (
    CLOSE_UNAUTHENTICATED,
    CLOSE_UNKNOWN_MARKETPLACE,
    Holder,
    Refused,
    socket_enter,
    socket_holder_valid,
)
from realtime.services.stream_rooms import stream_room_group
from realtime.tenancy import in_schema, task_stop

logger = logging.getLogger(__name__)


def stream_opening(*, stream_id: int) -> dict[str, Any]:
    """What a socket says first about the stream: the viewer's view, the chat's last lines and
    the last gifts (who sent what; never what they paid)."""
    view = stream_get(stream_id=stream_id)
    return {
        "stream": {
            "id": view.id,
            "title": view.title,
            "provider_name": view.provider_name,
            "state": view.state,
            "hls_url": view.hls_url,
            "viewer_count": view.viewer_count,
        },
        "chat": stream_chat_history(stream_id=stream_id),
        "gifts": [
            {
                "sender_name": gift.sender_name,
                "gift_name": gift.gift_name,
                "icon": gift.icon,
                "quantity": gift.quantity,
                "sent_at": gift.sent_at.isoformat(),
            }
            for gift in reversed(view.recent_gifts)
        ],
    }


class StreamConsumer(FramedConsumer):
    holder: Holder | None
    group: str | None

    async def connect(self) -> None:
        self.user, self.holder, self.group = None, None, None
        self.counting: asyncio.Task | None = None
        self.stream_id = int(self.scope["url_route"]["kwargs"]["stream_id"])
        # An anonymous socket's own viewer id (bookings' viewer tokens).
        self.viewer_token = secrets.token_urlsafe(24)
        try:
            self.place, self.holder = await socket_enter(self.scope, anonymous=True)
        except Refused as refused:
            await self.accept()
            await self.close(code=refused.code, reason=refused.reason)
            return
        self.user = self.holder.user if self.holder else None
        # Joined before the stream is read: no news between the read and the join is lost.
        group = stream_room_group(schema=self.place.schema, stream_id=self.stream_id)
        await self.channel_layer.group_add(group, self.channel_name)
        try:
            opening = await in_schema(
                self.place.marketplace, stream_opening, stream_id=self.stream_id
            )
        except NotFound:
            await self.channel_layer.group_discard(group, self.channel_name)
            await self.accept()
            await self.close(code=CLOSE_UNKNOWN_MARKETPLACE, reason="no such stream")
            return
        self.group = group
        await self.accept()
        user_id = self.user.pk if self.user is not None else None
        await self.send_json({"type": "ready", "user_id": user_id, **opening})
        if opening["stream"]["state"] == LiveStream.State.LIVE:
            self._count_in()

    async def disconnect(self, code: int) -> None:
        if self.group is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.counting is not None:
            # Stopped, not just cancelled: a join landing after the leave would count this
            # viewer in again until their entry expired.
            await task_stop(self.counting)
            self.counting = None
            with contextlib.suppress(ServiceError):
                await in_schema(self.place.marketplace, self._viewer, stream_viewer_leave)

    # Viewers ------------------------------------------------------------------------------------

    def _viewer(self, service) -> int:
        return service(stream_id=self.stream_id, user=self.user, viewer_token=self.viewer_token)

    def _count_in(self) -> None:
        if self.counting is None or self.counting.done():
            self.counting = asyncio.create_task(self._keep_counted())

    async def _keep_counted(self) -> None:
        while True:
            try:
                await in_schema(self.place.marketplace, self._viewer, stream_viewer_join)
            except ServiceError:
                return  # the stream is no longer live: nothing to be counted in
            except Exception:
                logger.exception("stream %s: a viewer's join failed", self.stream_id)
            await asyncio.sleep(settings.SOUK_STREAM_VIEWER_SECONDS / 3)

    # Channel-layer messages ---------------------------------------------------------------------

    async def stream_news(self, message: dict) -> None:
        kind, data = message["kind"], message["data"]
        if kind == "state":
            if data["state"] == LiveStream.State.LIVE:
                self._count_in()
            elif self.counting is not None:
                # Ended: the service forgot every viewer; nothing is left to leave.
                self.counting.cancel()
                self.counting = None
        await self.send_json({"type": kind, "data": data})

    # Client frames ------------------------------------------------------------------------------

    async def _signed_in(self) -> Any:
        """The socket's user, if they may still act; 401 for an anonymous socket, and a socket
        whose session has ended closes as /ws/live/ does."""
        if self.holder is None:
            raise AuthenticationFailed(_("Log in to do this."), code="not_authenticated")
        if not await in_schema(self.place.marketplace, socket_holder_valid, holder=self.holder):
            self.signed_out = True
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="signed out")
            raise AuthenticationFailed(_("Log in to do this."), code="not_authenticated")
        return self.user

    async def _chat_send(self, content: dict) -> dict:
        actor = await self._signed_in()
        line = await self._call(
            stream_chat_send, actor=actor, stream_id=self.stream_id, body=content.get("body")
        )
        return {"id": line["id"]}

    async def _gift_send(self, content: dict) -> dict:
        sender = await self._signed_in()
        ref = content.get("ref")
        if not isinstance(ref, str) or not KEY.fullmatch(ref):
            raise InvalidInput(
                _("Send an Idempotency-Key header of 8 to 64 characters."),
                code="idempotency_key_required",
            )
        quantity = content.get("quantity", 1)
        sent = await self._call(
            gift_send,
            sender=sender,
            stream_id=self.stream_id,
            gift_id=row_id(content, "gift_id"),
            quantity=quantity,
            # The API's key for the same user and key: a gift is paid once, whichever way sent.
            idempotency_key=f"{sender.pk}-{ref}",
        )
        return {"gift_sent_id": sent.pk, "quantity": sent.quantity}

    ACTIONS = {"chat.send": _chat_send, "gift.send": _gift_send}
