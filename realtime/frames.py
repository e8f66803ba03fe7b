"""What every socket of ours speaks: JSON frames with a ``type`` and an optional ``ref``, each
answered by ``ok`` (the ref and the action's answer) or ``error`` (the ref, then ``error``,
``message`` and ``details`` as the API's errors), and services called in the marketplace's
schema, as the socket's user, in their language."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.notification_texts import language_for
from config.errors import InvalidInput, ServiceError
from realtime.handshake import Place
from realtime.tenancy import in_schema


def row_id(content: dict, name: str) -> int:
    value = content.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.of_field(_("Not an id."), name)
    return value


class GoneTolerantConsumer(AsyncJsonWebsocketConsumer):
    """Drops what is sent to a client that has gone. Its disconnect is queued behind the
    message being handled (a wake-up, say), and must still reach ``disconnect``, which releases
    presence, viewer counts and groups; uvicorn raises on a send to a closed connection
    (ClientDisconnected, an OSError, or a RuntimeError once it has seen the close), which
    would end the consumer before its disconnect runs."""

    client_gone = False

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        await self._unless_gone(
            super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        )

    async def send_json(self, content, close=False) -> None:
        # AsyncJsonWebsocketConsumer.send_json calls its parent's send, not ours.
        await self._unless_gone(super().send_json(content, close=close))

    async def close(self, code=None, reason=None) -> None:
        await self._unless_gone(super().close(code=code, reason=reason))

    async def _unless_gone(self, sending) -> None:
        if self.client_gone:
            sending.close()
            return
        try:
            await sending
        except (OSError, RuntimeError):
            self.client_gone = True


class FramedConsumer(GoneTolerantConsumer):
    """A subclass names its client frames in ``ACTIONS`` (type: async handler returning the
    ``ok`` answer's fields) and sets ``place`` and ``user`` (None: anonymous) on connect."""

    ACTIONS: ClassVar[dict[str, Callable[[Any, dict], Awaitable[dict]]]] = {}
    place: Place
    user: Any
    signed_out = False  # set once a socket closes for a holder who may no longer be heard

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._refuse(
                None, InvalidInput(_("The request body could not be parsed."), code="invalid_json")
            )
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        if self.signed_out:
            return
        ref = content.get("ref")
        handler = self.ACTIONS.get(content.get("type"))
        if handler is None:
            refusal = InvalidInput(
                _("Some fields are not valid."),
                code="unknown_type",
                details={"type": sorted(self.ACTIONS)},
            )
            await self._refuse(ref, refusal)
            return
        try:
            answer = await handler(self, content)
        except ServiceError as error:
            if not self.signed_out:  # a handler that closed the socket answers nothing
                await self._refuse(ref, error)
            return
        if not self.signed_out:
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

    async def _call(self, service, **kwargs):
        return await in_schema(self.place.marketplace, self._as_user, service, **kwargs)
