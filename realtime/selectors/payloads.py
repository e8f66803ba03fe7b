"""What a socket sends for an event: rendered for its user, by the API's own selectors and
serializers, when it is delivered (a message's body masked exactly as the API masks it).

An event about a thread the user is not a party to renders as nothing (it is not sent).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bookings.api.messages_serializers import MessageSerializer
from bookings.api.notifications import NotificationSerializer
from bookings.models import Actor, Message
from bookings.selectors.messages import thread_get, thread_unread_total
from bookings.selectors.notifications import notification_list, notification_unread_count
from config.errors import NotFound
from realtime.handshake import Place
from realtime.selectors.events import LiveEvent


class _SocketRequest(HttpRequest):
    """The request the API's serializers read the viewer and the host (for links) from."""

    def __init__(self, place: Place, user) -> None:
        super().__init__()
        self.META["HTTP_HOST"] = place.netloc
        self.user = user
        self._socket_scheme = place.scheme

    def _get_scheme(self) -> str:
        return self._socket_scheme


def live_counts(*, viewer) -> dict[str, int]:
    return {
        "unread_notifications": notification_unread_count(viewer=viewer),
        "unread_messages": thread_unread_total(viewer=viewer),
    }


def _party_thread(viewer, thread_id: Any):
    if not isinstance(thread_id, int):
        return None
    try:
        thread, role = thread_get(viewer=viewer, thread_id=thread_id)
    except NotFound:
        return None
    return thread if role in (Actor.CUSTOMER, Actor.PROVIDER) else None


def live_event_render(*, event: LiveEvent, viewer, place: Place) -> dict[str, Any] | None:
    """The event's ``data`` as ``viewer`` sees it; None when they are not to see it."""
    if event.kind == "message.new":
        thread = _party_thread(viewer, event.data.get("thread_id"))
        message_id = event.data.get("message_id")
        message = (
            Message.objects.filter(pk=message_id, thread=thread).first()
            if thread is not None and isinstance(message_id, int)
            else None
        )
        if message is None:
            return None
        context = {"request": _SocketRequest(place, viewer), "thread": thread}
        return {"thread_id": thread.pk, "message": MessageSerializer(message, context=context).data}
    if event.kind == "thread.read":
        if _party_thread(viewer, event.data.get("thread_id")) is None:
            return None
        return event.data
    if event.kind == "notification":
        entry_id = event.data.get("notification_id")
        entry = (
            notification_list(viewer=viewer).filter(pk=entry_id).first()
            if isinstance(entry_id, int)
            else None
        )
        return None if entry is None else NotificationSerializer(entry).data
    if event.kind == "counts":
        return live_counts(viewer=viewer)
    return event.data
