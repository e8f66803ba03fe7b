"""Timers: the transitions the system takes when a booking has sat in a state too long
(armed by bookings.services.transitions.arm_timer), and late-delivery flags."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bookings.models import Actor, Booking
from bookings.services.sessions import sessions_end_silent
from bookings.services.transitions import apply_transition, record_event
from config.errors import ServiceError

BATCH = 500
LATE_STATES = ("in_progress", "revision_requested")


def bookings_run_due_timers(*, now: datetime | None = None) -> dict[str, int]:
    """Take every due timer's transition, one booking per transaction; flag late orders."""
    now = now or timezone.now()
    fired = skipped = 0
    due = list(
        Booking.objects.filter(timer_due_at__lte=now)
        .order_by("timer_due_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for booking_id in due:
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("provider", "listing__listing_type")
                .filter(pk=booking_id, timer_due_at__lte=now)
                .first()
            )
            if booking is None:  # moved on meanwhile, or busy: the next run sees it
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    apply_transition(
                        booking,
                        name=booking.timer_transition,
                        role=Actor.SYSTEM,
                        now=now,
                        record={"timer": True},
                    )
                fired += 1
            except ServiceError:
                # A guard refused: disarm so the timer does not fire every minute.
                Booking.objects.filter(pk=booking.pk).update(timer_due_at=None)
                skipped += 1
    return {
        "fired": fired,
        "skipped": skipped,
        "late": _flag_late(now),
        "silent_sessions_ended": sessions_end_silent(now=now),
    }


def _flag_late(now: datetime) -> int:
    late = 0
    with transaction.atomic():
        for booking in Booking.objects.select_for_update(skip_locked=True).filter(
            state__in=LATE_STATES, due_at__lt=now, late_at__isnull=True
        ):
            assert booking.due_at is not None  # the filter's due_at__lt leaves out null
            booking.late_at = now
            booking.save(update_fields=["late_at", "updated_at"])
            record_event(
                booking,
                name="flag_late",
                from_state=booking.state,
                role=Actor.SYSTEM,
                actor=None,
                data={"due_at": booking.due_at.isoformat()},
            )
            late += 1
    return late
