"""The one websocket of a signed-in user: ``/ws/live/``.

Connect: the handshake checks (realtime.handshake) pick the marketplace from the Host, check
the Origin and find the user from ``?ticket=`` or the session cookie; a refusal accepts and
closes at once with a 44xx code. Then the socket joins its user's group, works out where to
start (``?last_event_id=``: after that id, or a ``resync`` event first; none: live events
only), says ``ready`` with its cursor, sends what it missed, and from then on reads its stream
after the cursor whenever it is woken. Channels runs one consumer's handlers one at a time,
so the cursor only moves forward and no event is sent twice or skipped.

Frames from the server: ``{"type": <event kind>, "id": <event id>, "data": {...}}`` for
stored events (message.new, thread.read, notification, counts); ``{"type": "typing" or
"presence", "data": {...}}`` for ephemeral ones (no id); ``ready``, ``resync``, ``ok`` and
``error`` (``error``, ``message``, ``details``, as the API's errors) for the socket itself.
Frames from the client carry a ``type`` and an optional ``ref`` echoed in the answer:
message.send, thread.read, typing, presence.subscribe, presence.unsubscribe. Each calls the
same services as the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.services.live_events import live_user_group
from bookings.services.messages import message_send, thread_mark_read
from catalog.models import ProviderProfile
from config.errors import AuthenticationFailed, InvalidInput, NotFound
from realtime.frames import FramedConsumer, row_id
from realtime.handshake import (
    CLOSE_UNAUTHENTICATED,
    Holder,
    Place,
    Refused,
    socket_enter,
    socket_holder_valid,
)
from realtime.selectors.events import live_events_after, live_stream_resume
from realtime.selectors.payloads import live_events_render
from realtime.services.presence import (
    presence_group,
    presence_settle,
    presence_socket_close,
    presence_socket_open,
    presence_socket_renew,
)
from realtime.services.typing import typing_signal_send
from realtime.tenancy import in_schema, task_stop

logger = logging.getLogger(__name__)

MAX_PRESENCE_SUBSCRIPTIONS = 100
# Offline timers outlive the socket that started them; kept here so none is collected early.
_settle_timers: set[asyncio.Task] = set()


class LiveConsumer(FramedConsumer):
    place: Place
    holder: Holder
    cursor: str
    user: Any  # the User once authenticated, else None

    async def connect(self) -> None:
        self.user = None
        self.signed_out = False
        self.presence_groups: set[str] = set()
        self.renewing: asyncio.Task | None = None
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            self.place, self.holder = await socket_enter(self.scope)
        except Refused as refused:
            await self.accept()
            await self.close(code=refused.code, reason=refused.reason)
            return
        self.user = self.holder.user
        self.user_group = live_user_group(schema=self.place.schema, user_id=self.user.pk)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        resume = await in_schema(
            None,
            live_stream_resume,
            schema=self.place.schema,
            user_id=self.user.pk,
            last_event_id=query.get("last_event_id", [None])[0],
        )
        self.cursor = resume.cursor
        await self.accept()
        if resume.resync:
            await self.send_json({"type": "resync", "id": self.cursor})
        await self.send_json({"type": "ready", "user_id": self.user.pk, "id": self.cursor})
        await self._deliver()
        if not self.signed_out and await in_schema(
            self.place.marketplace,
            presence_socket_open,
            user=self.user,
            socket_id=self.channel_name,
        ):
            self.renewing = asyncio.create_task(self._renew_presence())

    async def disconnect(self, code: int) -> None:
        if self.user is None:
            return
        for group in (self.user_group, *self.presence_groups):
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.renewing is not None:
            # Stopped, not just cancelled: a renewal landing after the close would count this
            # socket in again until its entry expired.
            await task_stop(self.renewing)
            await in_schema(
                self.place.marketplace,
                presence_socket_close,
                user_id=self.user.pk,
                socket_id=self.channel_name,
            )
            timer = asyncio.create_task(self._settle_later(self.place, self.user))
            _settle_timers.add(timer)
            timer.add_done_callback(_settle_timers.discard)

    # Channel-layer messages -------------------------------------------------------------------

    async def live_wake(self, message: dict) -> None:
        await self._deliver()

    async def live_ephemeral(self, message: dict) -> None:
        if not self.signed_out:
            await self.send_json(message["event"])

    # Client frames ----------------------------------------------------------------------------

    async def _message_send(self, content: dict) -> dict:
        body = content.get("body")
        if not isinstance(body, str):
            raise InvalidInput.of_field(
                _("Write a message or attach a file."), "body", code="empty_message"
            )
        thread_id = row_id(content, "thread_id")
        message = await self._call(message_send, actor=self.user, thread_id=thread_id, body=body)
        return {"message_id": message.pk}

    async def _thread_read(self, content: dict) -> dict:
        up_to = content.get("up_to")
        thread_id = row_id(content, "thread_id")
        mark = await self._call(thread_mark_read, actor=self.user, thread_id=thread_id, up_to=up_to)
        return {"last_read_message_id": mark.last_read_message_id}

    async def _typing(self, content: dict) -> dict:
        thread_id = row_id(content, "thread_id")
        sent = await self._call(typing_signal_send, actor=self.user, thread_id=thread_id)
        return {"sent": sent}

    async def _presence_subscribe(self, content: dict) -> dict:
        provider_id = row_id(content, "provider_id")
        if len(self.presence_groups) >= MAX_PRESENCE_SUBSCRIPTIONS:
            raise InvalidInput(_("Too many requests; slow down."), code="too_many_subscriptions")
        online = await in_schema(self.place.marketplace, _provider_online, provider_id)
        if online is None:
            raise NotFound(_("No such provider."), code="provider_not_found")
        group = presence_group(schema=self.place.schema, provider_id=provider_id)
        await self.channel_layer.group_add(group, self.channel_name)
        self.presence_groups.add(group)
        return {"provider_id": provider_id, "online": online}

    async def _presence_unsubscribe(self, content: dict) -> dict:
        group = presence_group(schema=self.place.schema, provider_id=row_id(content, "provider_id"))
        if group in self.presence_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.presence_groups.discard(group)
        return {}

    async def _call(self, service, **kwargs):
        """A client action, as the socket's user, if they may still act: the holder is checked
        in the same database call, first; a socket whose session has ended (or whose user was
        deactivated) does nothing and closes, as it would at its next delivery."""
        try:
            return await in_schema(self.place.marketplace, self._as_holder, service, **kwargs)
        except _SignedOut:
            self.signed_out = True
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="signed out")
            raise AuthenticationFailed(_("Log in to do this."), code="not_authenticated") from None

    def _as_holder(self, service, **kwargs):
        if not socket_holder_valid(holder=self.holder):
            raise _SignedOut
        return self._as_user(service, **kwargs)

    ACTIONS = {
        "message.send": _message_send,
        "thread.read": _thread_read,
        "typing": _typing,
        "presence.subscribe": _presence_subscribe,
        "presence.unsubscribe": _presence_unsubscribe,
    }

    # Delivery and presence ------------------------------------------------------------------

    def _pending(self) -> list[tuple[str, str, dict | None]] | None:
        """The events after the cursor, rendered; None when the holder may no longer hear.
        The holder is checked only when there is something to hear: a wake-up for events an
        earlier wake-up delivered costs a stream read, not a query too."""
        schema, user = self.place.schema, self.user
        events = live_events_after(schema=schema, user_id=user.pk, after=self.cursor)
        if not events:
            return []
        if not socket_holder_valid(holder=self.holder):
            return None
        return live_events_render(events=events, viewer=user, place=self.place)

    async def _deliver(self) -> None:
        if self.signed_out:
            return  # closing: wake-ups may still arrive until the disconnect
        pending = await in_schema(self.place.marketplace, self._pending)
        if pending is None:
            self.signed_out = True
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="signed out")
            return
        for event_id, kind, data in pending:
            self.cursor = event_id
            if data is not None:
                await self.send_json({"type": kind, "id": event_id, "data": data})

    async def _renew_presence(self) -> None:
        while True:
            await asyncio.sleep(settings.SOUK_PRESENCE_SOCKET_TTL / 3)
            with contextlib.suppress(Exception):
                await in_schema(
                    self.place.marketplace,
                    presence_socket_renew,
                    user_id=self.user.pk,
                    socket_id=self.channel_name,
                )

    @staticmethod
    async def _settle_later(place: Place, user) -> None:
        await asyncio.sleep(settings.SOUK_PRESENCE_GRACE_SECONDS)
        try:
            await in_schema(place.marketplace, presence_settle, user=user)
        except Exception:
            logger.exception("presence settle failed for user %s in %s", user.pk, place.schema)


class _SignedOut(Exception):
    """The socket's holder may no longer act (raised in the worker thread, before any write)."""


def _provider_online(provider_id: int) -> bool | None:
    return (
        ProviderProfile.objects.filter(pk=provider_id).values_list("is_online", flat=True).first()
    )
