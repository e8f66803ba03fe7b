"""The reading room's socket: ``/ws/sessions/<booking id>/``, for a metered session's customer
and provider only.

Connect: the same handshake as ``/ws/live/`` (realtime.handshake: marketplace from the Host,
Origin check, user from ``?ticket=`` or the session cookie); then only the booking's two
parties get in. Anyone else is closed with 4404 (a booking they may not see, or one without a
session: they learn nothing of it) or 4403 (staff, who may see the booking but are not in the
session). A party's socket gets ``ready`` (its role and the ICE servers for a call), then
``meter``; while the session is live it ticks (realtime.services.session_room): the server
charges each minute as it starts, and every socket of the room gets the meter again after a
change, as its party sees it. A customer's socket gets ``meter.warning`` when the next minute
is not covered (one minute left). ``peer.joined`` / ``peer.left`` (with the role) say that a
socket of the other party opened or closed; on entering, a socket hears ``peer.joined`` from
each of the other party's sockets already there (for a call, the customer's cue to offer).
When the session ends (a party ended it, the balance could not pay a started minute, or the
silence sweep), every socket gets ``session.ended`` with the final meter and is closed (1000).

Frames from the client carry a ``type`` and an optional ``ref`` echoed in the answer (``ok``
or ``error``, as /ws/live/'s): ``session.end`` (the API's end transition) and ``signal``
(realtime.call_signals, relayed to the other party's sockets only, while live). Chat goes
through /ws/live/ and the booking's thread, not here.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, replace
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.api.sessions import MeterSerializer
from bookings.notification_texts import language_for
from bookings.selectors.sessions import Meter
from config.errors import InvalidInput, NotAllowed, NotFound, ServiceError, StateConflict
from realtime.call_signals import SIGNAL_MAX_BYTES, call_signal_clean
from realtime.frames import GoneTolerantConsumer
from realtime.handshake import (
    CLOSE_FORBIDDEN_ORIGIN,
    CLOSE_UNKNOWN_MARKETPLACE,
    Place,
    Refused,
    socket_enter,
)
from realtime.selectors.ice_servers import ice_servers_for
from realtime.selectors.session_room import RoomView, session_room_view
from realtime.services.session_room import (
    session_party_group,
    session_room_end,
    session_room_group,
    session_room_heartbeat,
)
from realtime.tenancy import in_schema

logger = logging.getLogger(__name__)

CLOSE_NOT_A_PARTY = CLOSE_FORBIDDEN_ORIGIN  # 4403: mirrors HTTP 403
CLOSE_NO_SUCH_SESSION = CLOSE_UNKNOWN_MARKETPLACE  # 4404: mirrors HTTP 404
CLOSE_ENDED = 1000
# A tick lands this long after the minute starts: at the boundary itself it has not started.
CHARGE_MARGIN_SECONDS = 0.05
FRAME_MAX_BYTES = SIGNAL_MAX_BYTES + 1024
OTHER_ROLE = {"customer": "provider", "provider": "customer"}


def _meter_data(meter: Meter) -> dict:
    return MeterSerializer({**asdict(meter), "low_balance": meter.low_balance}).data


class SessionConsumer(GoneTolerantConsumer):
    place: Place
    role: str
    user: Any  # the User once in the room, else None

    async def connect(self) -> None:
        self.user = None
        self.ticking: asyncio.Task | None = None
        self.present = False  # announced to the other party
        self.shown: Meter | None = None
        self.showing = asyncio.Lock()
        self.booking_id = int(self.scope["url_route"]["kwargs"]["booking_id"])
        try:
            view = await self._enter()
        except Refused as refused:
            await self.accept()
            await self.close(code=refused.code, reason=refused.reason)
            return
        self.role = view.role
        self.room_group = session_room_group(schema=self.place.schema, booking_id=self.booking_id)
        self.party_group = session_party_group(
            schema=self.place.schema, booking_id=self.booking_id, role=self.role
        )
        for group in (self.room_group, self.party_group):
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json(
            {
                "type": "ready",
                "booking_id": self.booking_id,
                "role": self.role,
                "ice_servers": ice_servers_for(user_id=self.user.pk),
            }
        )
        if await self._tell(view):
            self.ticking = asyncio.create_task(self._tick_while_live(view))
            self.present = True
            await self._to_other_party(
                {"type": "room.peer", "event": "peer.joined", "role": self.role,
                 "reply_to": self.channel_name}
            )  # fmt: skip

    async def _enter(self) -> RoomView:
        """The handshake's checks, then the room's, and a first tick: a party coming back
        after a drop is charged at once for the minutes that started meanwhile."""
        self.place, holder = await socket_enter(self.scope)
        user = holder.user
        try:
            view = await in_schema(
                self.place.marketplace,
                session_room_heartbeat,
                actor=user,
                booking_id=self.booking_id,
            )
        except NotFound as missing:
            raise Refused(CLOSE_NO_SUCH_SESSION, "no such session") from missing
        except NotAllowed as refused:
            raise Refused(CLOSE_NOT_A_PARTY, "not a party") from refused
        self.user = user
        return view

    async def disconnect(self, code: int) -> None:
        if self.user is None:
            return
        if self.ticking is not None:
            self.ticking.cancel()
        if self.present:
            left = {"type": "room.peer", "event": "peer.left", "role": self.role}
            await self._to_other_party(left)
        for group in (self.room_group, self.party_group):
            await self.channel_layer.group_discard(group, self.channel_name)

    # The meter --------------------------------------------------------------------------------

    async def _tick_while_live(self, view: RoomView) -> None:
        """Until the session is over: while it is live, heartbeat on the party's behalf when
        the next minute starts and at least every SOUK_SESSION_TICK_SECONDS; before it
        starts, look at it that often (a start through the API shows here then)."""
        while True:
            delay = settings.SOUK_SESSION_TICK_SECONDS
            if view.next_charge_in is not None:
                delay = min(delay, view.next_charge_in + CHARGE_MARGIN_SECONDS)
            await asyncio.sleep(delay)
            try:
                view = await in_schema(
                    self.place.marketplace,
                    session_room_heartbeat,
                    actor=self.user,
                    booking_id=self.booking_id,
                )
            except ServiceError:  # no longer theirs to see (the user or booking is gone)
                await self.close(code=CLOSE_NO_SUCH_SESSION)
                return
            except Exception:  # the database or Redis away for a moment: the next tick
                logger.exception("session %s: tick failed in %s", self.booking_id, self.place)
                view = replace(view, next_charge_in=None)
                continue
            if not await self._tell(view):
                return

    async def _tell(self, view: RoomView) -> bool:
        """Wake the room after a tick that changed the meter, and show this socket its own
        view; returns whether the session goes on."""
        if view.changed:
            await self.channel_layer.group_send(self.room_group, {"type": "room.changed"})
        return await self._show(view)

    async def _show(self, view: RoomView) -> bool:
        """Send the meter if this party's view of it changed since the last one sent (the
        seconds aside, which the client counts itself): ``meter``, with ``meter.warning`` to
        the customer when the next minute becomes uncovered, or ``session.ended`` and close.
        Returns whether the session goes on."""
        meter = view.meter
        async with self.showing:
            before, self.shown = self.shown, meter
            if before is not None and _same(before, meter):
                return not view.over
            data = _meter_data(meter)
            if view.over:
                await self.send_json({"type": "session.ended", "data": data})
                await self.close(code=CLOSE_ENDED)
                return False
            await self.send_json({"type": "meter", "data": data})
            newly_low = meter.low_balance and (before is None or not before.low_balance)
            if newly_low and self.role == "customer":
                await self.send_json({"type": "meter.warning", "data": data})
            return True

    async def room_changed(self, message: dict) -> None:
        view = await in_schema(
            self.place.marketplace, session_room_view, actor=self.user, booking_id=self.booking_id
        )
        await self._show(view)

    async def room_signal(self, message: dict) -> None:
        await self.send_json(message["signal"])

    async def room_peer(self, message: dict) -> None:
        """A socket of the other party joined or left. A newcomer is answered by each socket
        already here, so it learns who is present (the caller's cue to make an offer)."""
        await self.send_json({"type": message["event"], "role": message["role"]})
        if message.get("reply_to") and self.present:
            await self.channel_layer.send(
                message["reply_to"],
                {"type": "room.peer", "event": "peer.joined", "role": self.role},
            )

    async def _to_other_party(self, message: dict) -> None:
        other = session_party_group(
            schema=self.place.schema, booking_id=self.booking_id, role=OTHER_ROLE[self.role]
        )
        await self.channel_layer.group_send(other, message)

    # Client frames ----------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if text_data is not None and len(text_data) > FRAME_MAX_BYTES:
            await self._refuse(None, InvalidInput(_("This frame is too large."), code="too_large"))
            return
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._refuse(None, InvalidInput(_("Send a JSON object."), code="invalid_json"))
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        ref = content.get("ref")
        handler = self.ACTIONS.get(content.get("type"))
        if handler is None:
            await self._refuse(ref, InvalidInput(_("Unknown type."), code="unknown_type"))
            return
        # Under the meter's lock: the answer to session.end goes out before session.ended
        # (which a tick may find first) and the close.
        async with self.showing:
            try:
                answer = await handler(self, content)
            except ServiceError as error:
                await self._refuse(ref, error)
                return
            await self.send_json({"type": "ok", "ref": ref, **answer})

    async def _refuse(self, ref: Any, error: ServiceError) -> None:
        await self.send_json(
            {
                "type": "error",
                "ref": ref,
                "error": error.code,
                "message": error.message,
                "details": error.details,
            }
        )

    def _as_user(self, service, **kwargs):
        """Call a service as the socket's user, in their language (for refusals)."""
        with translation.override(language_for(self.user, self.place.marketplace)):
            return service(**kwargs)

    async def _session_end(self, content: dict) -> dict:
        view = await in_schema(
            self.place.marketplace,
            self._as_user,
            session_room_end,
            actor=self.user,
            booking_id=self.booking_id,
        )
        await self.channel_layer.group_send(self.room_group, {"type": "room.changed"})
        return {"end_reason": view.meter.end_reason, "billed_minutes": view.meter.billed_minutes}

    async def _signal(self, content: dict) -> dict:
        if self.shown is None or self.shown.state != "live":
            raise StateConflict(_("This session is not live."), code="session_not_live")
        frame = {"type": "signal", "from": self.role, **call_signal_clean(content)}
        await self._to_other_party({"type": "room.signal", "signal": frame})
        return {}

    ACTIONS = {"session.end": _session_end, "signal": _signal}


def _same(before: Meter, after: Meter) -> bool:
    """The same meter for the party, the running seconds aside."""
    moving = {"elapsed_seconds": 0, "seconds_until_next_charge": 0}
    return {**asdict(before), **moving} == {**asdict(after), **moving}
