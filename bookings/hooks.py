"""What the booking engine tells the apps below it, registered in BookingsConfig.ready."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from billing.hooks import payment_due_register, payment_settled_register
from bookings.models import RELEASED_STATES, Booking
from bookings.processes import all_processes
from bookings.selectors.cancellation import DEFAULT_CANCELLATION
from bookings.selectors.tickets import ticket_tiers_counted
from bookings.selectors.usage import bookings_usage
from bookings.services.payments import booking_payment_due_of, booking_payment_settled
from catalog.hooks import BookingEngine, register_booking_engine
from catalog.models import ProviderProfile
from tenants.selectors.usage import register_usage_measure


def provider_booked_time(
    *, provider: ProviderProfile, start: datetime, end: datetime
) -> Iterable[tuple[datetime, datetime]]:
    held = Booking.objects.filter(provider=provider, starts_at__lt=end, ends_at__gt=start).exclude(
        state__in=RELEASED_STATES
    )
    for starts_at, ends_at in held.values_list("starts_at", "ends_at"):
        assert starts_at is not None and ends_at is not None  # the range filter skips NULLs
        yield starts_at, ends_at


def process_timer_keys() -> Mapping[str, tuple[str, ...]]:
    return {
        name: tuple(key for timer in process.timers if (key := timer.delay_config_key))
        for name, process in all_processes().items()
    }


def register() -> None:
    register_booking_engine(
        BookingEngine(
            ticket_tiers_counted=ticket_tiers_counted,
            provider_booked_time=provider_booked_time,
            process_timer_keys=process_timer_keys,
            default_cancellation=DEFAULT_CANCELLATION,
        )
    )
    payment_settled_register("booking", booking_payment_settled)
    payment_due_register("booking", booking_payment_due_of)
    register_usage_measure(name="bookings", measure=bookings_usage)
