"""What a socket sends for an event: rendered for its user, by the API's own selectors and
serializers, when it is delivered (a message's body masked exactly as the API masks it).

An event about a thread the user is not a party to renders as nothing (it is not sent).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bookings.api.messages_serializers import MessageSerializer
from bookings.api.notifications import NotificationSerializer
from bookings.models import Actor
from bookings.selectors.message_reads import message_to_render, thread_to_render
from bookings.selectors.notifications import notification_get
from bookings.selectors.unread import unread_counts
from config.errors import NotFound
from realtime.handshake import Place
from realtime.selectors.events import LiveEvent

# One instance renders every entry: a ModelSerializer builds its fields from the model for
# each new instance, which cost more than rendering; rendering only reads them.
_NOTIFICATION = NotificationSerializer()


class _SocketRequest(HttpRequest):
    """The request the API's serializers read the viewer and the host (for links) from."""

    def __init__(self, place: Place, user) -> None:
        super().__init__()
        self.META["HTTP_HOST"] = place.netloc
        self.user = user
        self._socket_scheme = place.scheme

    def _get_scheme(self) -> str:
        return self._socket_scheme


class _Rendering:
    """Renders one delivery's events for one viewer: a thread read once however many of the
    events name it, and the counts once (the last ``counts`` event; the earlier ones of the same
    delivery would only say less)."""

    def __init__(self, *, viewer, place: Place, events: list[LiveEvent]) -> None:
        self.viewer, self.place, self.events = viewer, place, events
        self.threads: dict[int, Any] = {}
        counts = [event.id for event in events if event.kind == "counts"]
        self.last_counts = counts[-1] if counts else None

    def party_thread(self, thread_id: Any):
        if not isinstance(thread_id, int):
            return None
        if thread_id not in self.threads:
            try:
                thread, role = thread_to_render(viewer=self.viewer, thread_id=thread_id)
            except NotFound:
                thread, role = None, None
            party = role in (Actor.CUSTOMER, Actor.PROVIDER)
            self.threads[thread_id] = thread if party else None
        return self.threads[thread_id]

    def render(self, event: LiveEvent) -> dict[str, Any] | None:
        """The event's ``data`` as the viewer sees it; None when it is not to be sent."""
        viewer = self.viewer
        if event.kind == "message.new":
            thread_id, message_id = event.data.get("thread_id"), event.data.get("message_id")
            found = (
                message_to_render(viewer=viewer, thread_id=thread_id, message_id=message_id)
                if isinstance(thread_id, int) and isinstance(message_id, int)
                else None
            )
            if found is None:
                return None
            message, thread = found
            context = {"request": _SocketRequest(self.place, viewer), "thread": thread}
            rendered = MessageSerializer(message, context=context).data
            return {"thread_id": thread.pk, "message": rendered}
        if event.kind == "thread.read":
            if self.party_thread(event.data.get("thread_id")) is None:
                return None
            return event.data
        if event.kind == "notification":
            entry_id = event.data.get("notification_id")
            entry = (
                notification_get(viewer=viewer, notification_id=entry_id)
                if isinstance(entry_id, int)
                else None
            )
            return None if entry is None else _NOTIFICATION.to_representation(entry)
        if event.kind == "counts":
            return unread_counts(viewer=viewer) if event.id == self.last_counts else None
        return event.data


def live_events_render(
    *, events: list[LiveEvent], viewer, place: Place
) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(id, kind, data) of each event as ``viewer`` sees it; data None: not to be sent (the
    socket's cursor still moves past it)."""
    rendering = _Rendering(viewer=viewer, place=place, events=events)
    return [(event.id, event.kind, rendering.render(event)) for event in events]
