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

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.money import Money
from billing.services.auto_reload import auto_reload_when_short
from bookings.models import Actor, Booking
from bookings.processes import get_process
from bookings.selectors.bookings import booking_get
from bookings.selectors.sessions import (
    PROCESS,
    Meter,
    billing_unit,
    session_get,
    session_meter_of,
)
from bookings.services.sessions import session_heartbeat
from bookings.services.transitions import booking_transition
from config.errors import NotAllowed

ROOM_ROLES = (Actor.CUSTOMER, Actor.PROVIDER)


def session_room_group(*, schema: str, booking_id: int) -> str:
    """Every socket of the room."""
    return f"session-room.{schema}.{booking_id}"


def session_party_group(*, schema: str, booking_id: int, role: str) -> str:
    """The sockets of one party of the room (signals go to the other party's)."""
    return f"session-room.{schema}.{booking_id}.{role}"


@dataclass(frozen=True)
class RoomView:
    """The meter as one party sees it, and what the socket should do next."""

    role: str
    meter: Meter
    # This call charged a minute or ended the session: the room should look again.
    changed: bool
    # Seconds until the next minute starts (live sessions), by the server's clock.
    next_charge_in: float | None

    @property
    def over(self) -> bool:
        """Ended, or never started and closed (declined, expired, cancelled)."""
        return self.meter.state in get_process(PROCESS).final


def _view(booking: Booking, role: str, meter: Meter, *, changed: bool) -> RoomView:
    next_charge_in = None
    if meter.state == "live" and meter.started_at is not None:
        next_start = meter.started_at + billing_unit(booking) * meter.billed_minutes
        next_charge_in = max((next_start - timezone.now()).total_seconds(), 0.0)
    return RoomView(role=role, meter=meter, changed=changed, next_charge_in=next_charge_in)


def _party_booking(*, actor, booking_id: int, lock: bool = False) -> tuple[Booking, str]:
    """The booking of a metered session and the actor's role, for its two parties only:
    404 for anyone who may not see the booking, 403 for staff, who may but are not in it."""
    booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=lock)
    session_get(booking=booking)  # 404 no_session for a booking of another kind
    if role not in ROOM_ROLES:
        raise NotAllowed(
            _("Only the customer and the provider enter a session."),
            code="not_a_party",
            details={"allowed": list(ROOM_ROLES)},
        )
    return booking, role


def session_room_view(*, actor, booking_id: int, now: datetime | None = None) -> RoomView:
    """The meter as the actor sees it (a provider never sees the customer's balance)."""
    booking, role = _party_booking(actor=actor, booking_id=booking_id)
    meter = session_meter_of(booking=booking, role=role, now=now)
    return _view(booking, role, meter, changed=False)


def session_room_heartbeat(*, actor, booking_id: int) -> RoomView:
    """The actor's socket is still in the room: if the session is live, charge every minute
    started since the last charge (ending it when one cannot be paid), then the meter."""
    with transaction.atomic():
        booking, role = _party_booking(actor=actor, booking_id=booking_id, lock=True)
        if booking.state != "live":
            return _view(booking, role, session_meter_of(booking=booking, role=role), changed=False)
        charged_before = booking.live_session.billed_minutes
        meter = session_heartbeat(actor=actor, booking_id=booking_id)
        changed = meter.state != "live" or meter.billed_minutes != charged_before
        if changed and meter.low_balance:
            # The minute just charged is the last one paid for: reload now, if the customer
            # has auto-reload on, rather than end at the next minute.
            auto_reload_when_short(
                customer=booking.customer, need=Money(meter.rate_minor, meter.currency)
            )
        return _view(booking, role, meter, changed=changed)


def session_room_end(*, actor, booking_id: int) -> RoomView:
    """A party ends the session from the room: the same ``end`` transition as the API's."""
    _party_booking(actor=actor, booking_id=booking_id)
    booking_transition(booking_id=booking_id, transition="end", actor=actor)
    view = session_room_view(actor=actor, booking_id=booking_id)
    return RoomView(role=view.role, meter=view.meter, changed=True, next_charge_in=None)
