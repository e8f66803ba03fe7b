"""Reads of metered live sessions: the session of a booking and its meter, what the parties
see of it at one moment (see bookings.services.sessions for the billing rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from billing import balances
from bookings.models import Actor, Booking, LiveSession
from bookings.selectors.bookings import booking_get
from config.errors import NotFound

PROCESS = "metered_session"
DEFAULT_BILLING_UNIT_SECONDS = 60


def billing_unit(booking: Booking) -> timedelta:
    config = booking.listing.listing_type.config
    return timedelta(seconds=int(config.get("billing_unit_seconds", DEFAULT_BILLING_UNIT_SECONDS)))


@dataclass(frozen=True)
class Meter:
    """What the parties see of a session at one moment."""

    booking_id: int
    state: str
    channel: str
    currency: str
    rate_minor: int
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    elapsed_seconds: int
    billed_minutes: int
    billed_minor: int
    # The customer's balance; None for the provider, who only sees whether it runs low.
    balance_minor: int | None
    seconds_until_next_charge: int | None
    next_minute_covered: bool

    @property
    def low_balance(self) -> bool:
        return self.state == "live" and not self.next_minute_covered


def session_get(*, booking: Booking) -> LiveSession:
    """The booking's live session, set on ``booking.live_session`` too; 404 for none."""
    session = LiveSession.objects.filter(booking=booking).first()
    if booking.process != PROCESS or session is None:
        raise NotFound(_("This booking has no live session."), code="no_session")
    booking.live_session = session
    return session


def session_meter_of(*, booking: Booking, role: str, now: datetime | None = None) -> Meter:
    """The meter of the booking's session as ``role`` sees it (a provider not the balance)."""
    now = now or timezone.now()
    session = session_get(booking=booking)
    unit = billing_unit(booking)
    balance = balances.prepaid_balance(customer=booking.customer, currency=booking.currency)
    elapsed = timedelta(0)
    if session.started_at:
        elapsed = max((session.ended_at or now) - session.started_at, timedelta(0))
    until_next = None
    if booking.state == "live":
        # The next minute starts once the charged ones are used up.
        until_next = max(int((unit * session.billed_minutes - elapsed).total_seconds()), 0)
    return Meter(
        booking_id=booking.pk,
        state=booking.state,
        channel=session.channel,
        currency=booking.currency,
        rate_minor=session.rate_minor,
        started_at=session.started_at,
        ended_at=session.ended_at,
        end_reason=session.end_reason,
        elapsed_seconds=int(elapsed.total_seconds()),
        billed_minutes=session.billed_minutes,
        billed_minor=session.billed_minor,
        balance_minor=balance.amount_minor if role != Actor.PROVIDER else None,
        seconds_until_next_charge=until_next,
        next_minute_covered=balance.amount_minor >= session.rate_minor,
    )


def session_meter_get(*, viewer, booking_id: int) -> Meter:
    booking, role = booking_get(viewer=viewer, booking_id=booking_id)
    return session_meter_of(booking=booking, role=role)
