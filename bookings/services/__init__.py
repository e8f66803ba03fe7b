"""Every write of the bookings engine. Importing this package registers the guards of the
transitions (bookings.services.effects); each step's effects are named by its definition in
bookings.services.steps."""

# Loaded with the package; effects (and limits, through creation) register the guards.
from bookings.services import (  # noqa: F401
    deliveries,
    disputes,
    effects,
    messages,
    reviews,
    sessions,
    tickets,
)
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.payments import booking_mark_paid
from bookings.services.timers import bookings_run_due_timers
from bookings.services.transitions import booking_transition

__all__ = [
    "BookingRequest",
    "booking_create",
    "booking_mark_paid",
    "booking_transition",
    "bookings_run_due_timers",
]
