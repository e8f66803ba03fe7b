"""The reading room's meter (the ``/ws/sessions/<booking id>/`` socket, realtime.session_consumer).

Only the booking's customer and provider enter the room. While the session is live, each open
socket of theirs ticks: it calls the heartbeat service on its party's behalf when the next
minute starts (and at least every ``SOUK_SESSION_TICK_SECONDS``), so the meter runs on the
server's clock as long as one party is there. The heartbeat's rules make this safe however many
sockets tick at once, on however many processes: it locks the booking, charges the minutes
started since the last charge (billing's references make a retried charge post once), and ends
the session when a started minute cannot be paid. A tick says whether it charged or ended
anything, which only one of the simultaneous ticks can do, so the room is told once; the
tick whose charge leaves the next minute uncovered also asks billing for the customer's
auto-reload (billing.services.auto_reload.auto_reload_when_short), whatever its threshold.

After a drop, the first tick of a returning socket charges the minutes that started meanwhile
(by the server's clock); a session nobody comes back to is ended by the silence sweep
(bookings.services.sessions.sessions_end_silent), billed up to its last heartbeat.
"""

from __future__ import annotations

from django.db import transaction

from billing.money import Money
from billing.services.auto_reload import auto_reload_when_short
from bookings.selectors.sessions import session_meter_of
from bookings.services.sessions import session_heartbeat
from bookings.services.transitions import booking_transition
from realtime.selectors.session_room import (
    RoomView,
    session_room_booking_get,
    session_room_view,
    session_room_view_of,
)


def session_room_group(*, schema: str, booking_id: int) -> str:
    """Every socket of the room."""
    return f"session-room.{schema}.{booking_id}"


def session_party_group(*, schema: str, booking_id: int, role: str) -> str:
    """The sockets of one party of the room (signals go to the other party's)."""
    return f"session-room.{schema}.{booking_id}.{role}"


def session_room_heartbeat(*, actor, booking_id: int) -> RoomView:
    """The actor's socket is still in the room: if the session is live, charge every minute
    started since the last charge (ending it when one cannot be paid), then the meter."""
    with transaction.atomic():
        booking, role = session_room_booking_get(actor=actor, booking_id=booking_id, lock=True)
        if booking.state != "live":
            meter = session_meter_of(booking=booking, role=role)
            return session_room_view_of(booking, role, meter, changed=False)
        charged_before = booking.live_session.billed_minutes
        meter = session_heartbeat(actor=actor, booking_id=booking_id)
        changed = meter.state != "live" or meter.billed_minutes != charged_before
        if changed and meter.low_balance:
            # The minute just charged is the last one paid for: reload now, if the customer
            # has auto-reload on, rather than end at the next minute.
            auto_reload_when_short(
                customer=booking.customer, need=Money(meter.rate_minor, meter.currency)
            )
        return session_room_view_of(booking, role, meter, changed=changed)


def session_room_end(*, actor, booking_id: int) -> RoomView:
    """A party ends the session from the room: the same ``end`` transition as the API's."""
    session_room_booking_get(actor=actor, booking_id=booking_id)
    booking_transition(booking_id=booking_id, transition="end", actor=actor)
    view = session_room_view(actor=actor, booking_id=booking_id)
    return RoomView(role=view.role, meter=view.meter, changed=True, next_charge_in=None)
