"""The one way a booking changes state.

``booking_transition`` locks the booking, works out the actor's role in it, checks the
process table (wrong actor → 403, wrong state → 409), runs the transition's guards and
effects under the lock, saves with ``update_fields``, arms the next state's timer, writes a
BookingEvent and queues notifications with ``on_commit``.

A step's effects are part of its one definition in bookings.services.steps; guards are
registered here by name (``guard``) and named by the process files. A process that reuses a
name gets the same behaviour, so a new process made only of known names needs no code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from bookings.models import Actor, Booking, BookingEvent
from bookings.processes import Process, get_process
from bookings.selectors.bookings import booking_get
from config.errors import NotAllowed, NotFound, StateConflict
from tenants.db import connection


@dataclass
class Move:
    """What a guard or effect sees: the locked booking and the transition being taken."""

    booking: Booking
    process: Process
    name: str
    role: str
    actor: Any
    data: dict[str, Any]
    now: datetime
    # Fields the effect changed, saved with the state.
    changed: set[str] = field(default_factory=set)
    # Extra facts for the event row.
    record: dict[str, Any] = field(default_factory=dict)
    # Callables run after commit (notifications are queued separately for every move).
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def set(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.booking, name, value)
        self.changed.update(fields)


Guard = Callable[[Move], None]
Effect = Callable[[Move], None]
GUARD_CHECKS: dict[str, Guard] = {}


def guard(name: str):
    def register(function: Guard) -> Guard:
        GUARD_CHECKS[name] = function
        return function

    return register


def locked_booking(booking_id: int) -> Booking:
    """The booking, row-locked in the caller's transaction, for the system's own moves."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("provider", "listing__listing_type")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("No such booking."), code="booking_not_found")
    return booking


def arm_timer(booking: Booking, process: Process, now: datetime) -> set[str]:
    timer = next((t for t in process.timers if t.state == booking.state), None)
    if timer is None:
        booking.timer_due_at, booking.timer_transition = None, ""
    else:
        booking.timer_due_at = now + timer.delay_for(booking.listing.listing_type.config)
        booking.timer_transition = timer.transition
    return {"timer_due_at", "timer_transition"}


def on_commit_in_tenant(callback: Callable[[], None]) -> None:
    """``transaction.on_commit`` in the marketplace active now. The transaction may commit
    after the caller switched schemas (a command provisioning several marketplaces), and a
    task sent then would carry the wrong schema."""
    tenant = connection.tenant

    def run() -> None:
        with tenant_context(tenant):
            callback()

    transaction.on_commit(run)


def save_holding(booking: Booking, *, fields: set[str] | None = None) -> None:
    """Save; a clash with another booking of the provider's time becomes a 409."""
    try:
        with transaction.atomic():
            booking.save(update_fields=sorted(fields) if fields else None)
    except IntegrityError as exc:
        if "booking_no_double_booking" in str(exc):
            raise StateConflict(
                _("That time is already booked."),
                code="slot_taken",
                details={"starts_at": booking.starts_at, "ends_at": booking.ends_at},
            ) from exc
        raise


def record_event(
    booking: Booking, *, name: str, from_state: str, role: str, actor, data: dict
) -> BookingEvent:
    event = BookingEvent.objects.create(
        booking=booking,
        transition=name,
        from_state=from_state,
        to_state=booking.state,
        actor_role=role,
        actor=actor if role != Actor.SYSTEM else None,
        data=data,
    )
    from bookings.services.notifications import notify_booking_event

    event_id = event.pk
    on_commit_in_tenant(lambda: notify_booking_event(event_id=event_id))
    return event


def _check_allowed(process: Process, booking: Booking, name: str, role: str) -> None:
    move = process.transitions.get(name)
    if move is None:
        raise StateConflict(
            _("A %(process)s has no “%(step)s” step.")
            % {"process": process.name.replace("_", " "), "step": name},
            code="unknown_transition",
            details={"available": process.available(state=booking.state, actor=role)},
        )
    if role not in move.actors:
        raise NotAllowed(
            _("The %(role)s may not %(step)s this booking.")
            % {"role": role, "step": name.replace("_", " ")},
            code="wrong_actor",
            details={"allowed": sorted(move.actors)},
        )
    if booking.state not in move.sources:
        raise StateConflict(
            _("A booking that is %(state)s cannot be %(done)s.")
            % {
                "state": booking.state.replace("_", " "),
                "done": f"{name.replace('_', ' ')}{'d' if name.endswith('e') else 'ed'}",
            },
            code="wrong_state",
            details={
                "state": booking.state,
                "available": process.available(state=booking.state, actor=role),
            },
        )


def apply_transition(
    booking: Booking,
    *,
    name: str,
    role: str,
    actor=None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
    record: dict[str, Any] | None = None,
    also_save: tuple[str, ...] = (),
) -> BookingEvent:
    """Take ``name`` on a booking the caller has locked inside its transaction.

    ``record`` goes into the event row; ``also_save`` names fields the caller changed on the
    booking before the move, saved with it."""
    process = get_process(booking.process)
    _check_allowed(process, booking, name, role)
    move = Move(booking, process, name, role, actor, dict(data or {}), now or timezone.now())
    move.record.update(record or {})
    move.changed.update(also_save)
    for guard_name in process.transition(name).guards:
        GUARD_CHECKS[guard_name](move)
    from_state = booking.state
    booking.state = process.transition(name).target
    booking.state_entered_at = move.now
    # Late: the steps module imports the effects, which import this module.
    from bookings.services.steps import step_of

    for function in step_of(name).effects:
        function(move)
    fields = {"state", "state_entered_at", "updated_at"} | move.changed
    fields |= arm_timer(booking, process, move.now)
    save_holding(booking, fields=fields)
    event = record_event(
        booking, name=name, from_state=from_state, role=role, actor=actor, data=move.record
    )
    for callback in move.after_commit:
        on_commit_in_tenant(callback)
    return event


def booking_transition(
    *,
    booking_id: int,
    transition: str,
    actor=None,
    system: bool = False,
    data: dict[str, Any] | None = None,
) -> Booking:
    """Take ``transition`` on the booking as ``actor`` (or as the system when ``system``)."""
    role: str
    with transaction.atomic():
        if system:
            booking, role = locked_booking(booking_id), Actor.SYSTEM
        else:
            booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
        apply_transition(booking, name=transition, role=role, actor=actor, data=data)
    return booking
