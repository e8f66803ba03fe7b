"""Reads of the reading room (realtime.session_consumer): who may enter a metered session's
room, and the meter as each party sees it with what the socket should do next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

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
from config.errors import NotAllowed

ROOM_ROLES = (Actor.CUSTOMER, Actor.PROVIDER)


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


def session_room_view_of(booking: Booking, role: str, meter: Meter, *, changed: bool) -> RoomView:
    next_charge_in = None
    if meter.state == "live" and meter.started_at is not None:
        next_start = meter.started_at + billing_unit(booking) * meter.billed_minutes
        next_charge_in = max((next_start - timezone.now()).total_seconds(), 0.0)
    return RoomView(role=role, meter=meter, changed=changed, next_charge_in=next_charge_in)


def session_room_booking_get(*, actor, booking_id: int, lock: bool = False) -> tuple[Booking, str]:
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
    booking, role = session_room_booking_get(actor=actor, booking_id=booking_id)
    meter = session_meter_of(booking=booking, role=role, now=now)
    return session_room_view_of(booking, role, meter, changed=False)
