"""The reading room page, /readings/<booking id>/: a metered session's meter and its call,
for its customer and its provider (anyone else gets a 404, as the socket closes 4404).

The page shows the meter as the server knows it when the page is made
(realtime.services.session_room's view: the provider never sees the balance), and
``site/reading-room.js`` (served by the marketplace itself) keeps it live over the room's
socket (/ws/sessions/<booking id>/): the meter after each charge, the warning at one minute
left, the end; an End button; and for phone and video readings the WebRTC call, whose signals
the socket relays and whose ICE servers it hands out. Chat is the booking's message thread,
shown here as on the thread page (themes.pages.threads) and live over the user's own socket
(/ws/live/, site/thread.js).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings.selectors.messages import thread_get, thread_id_of_booking
from config.errors import NotAllowed, NotFound
from realtime.selectors.session_room import session_room_view
from themes.pages.common import page_role_required
from themes.pages.dashboard.common import MAX_ID
from themes.pages.dashboard.labels import STATE_LABELS, label
from themes.pages.threads import thread_context


@require_safe
@page_role_required()
def reading_room(request, booking_id: int):
    if booking_id > MAX_ID:
        raise Http404
    try:
        view = session_room_view(actor=request.user, booking_id=booking_id)
    except (NotFound, NotAllowed) as refused:  # staff read bookings, but are not in this one
        raise Http404 from refused
    context = {
        "booking_id": booking_id,
        "role": view.role,
        "meter": view.meter,
        "over": view.over,
        "state_label": label(STATE_LABELS, view.meter.state),
        "call": view.meter.channel in ("phone", "video"),
    }
    thread_id = thread_id_of_booking(booking_id=booking_id)
    if thread_id is not None:
        thread, _role = thread_get(viewer=request.user, thread_id=thread_id)
        context.update(thread_context(request, thread, role=view.role))
    return render(request, "site/reading_room.html", context)
