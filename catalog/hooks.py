"""What the catalog asks of the booking engine, which sits above it.

The catalog imports no upper app (docs/architecture-notes.md, layers). Four of its reads and
checks still depend on the booking flows: what is left of a ticket tier, the time a
provider's bookings hold, the processes a listing type may name and the cancellation rules a
listing type's config overrides. The booking engine answers them through one
``BookingEngine`` it registers in its ``AppConfig.ready`` (``bookings/hooks.py``); the
catalog asks ``booking_engine()``, which fails loudly (``ImproperlyConfigured``) when nothing
registered one, rather than showing free time or tiers without their bookings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

if TYPE_CHECKING:
    from catalog.models import ProviderProfile, TicketTier


class TicketTiersCounted(Protocol):
    def __call__(self, tiers: QuerySet[TicketTier], /) -> QuerySet[TicketTier]:
        """``tiers`` annotated with ``sold_count`` (seats paid for) and ``held_count`` (taken,
        not yet paid), so that held + sold + ``TicketTier.remaining`` is the capacity."""
        ...


class ProviderBookedTime(Protocol):
    def __call__(
        self, *, provider: ProviderProfile, start: datetime, end: datetime
    ) -> Iterable[tuple[datetime, datetime]]:
        """The (starts_at, ends_at) of every booking that holds the provider's time and
        overlaps ``start`` to ``end``; released bookings (declined, cancelled…) hold none."""
        ...


class ProcessTimerKeys(Protocol):
    def __call__(self) -> Mapping[str, tuple[str, ...]]:
        """Every transaction process by name, with the listing type config keys its timers
        read (one per timer that reads one, in the process's order)."""
        ...


@dataclass(frozen=True)
class BookingEngine:
    ticket_tiers_counted: TicketTiersCounted
    provider_booked_time: ProviderBookedTime
    process_timer_keys: ProcessTimerKeys
    # The cancellation rules a listing type's ``config["cancellation"]`` overrides key by key:
    # full_refund_hours, partial_refund_hours, partial_bps.
    default_cancellation: Mapping[str, int]


_engine: BookingEngine | None = None


def register_booking_engine(engine: BookingEngine) -> None:
    global _engine
    _engine = engine


def booking_engine() -> BookingEngine:
    if _engine is None:
        raise ImproperlyConfigured(
            "No booking engine is registered with catalog.hooks: the bookings app registers "
            "one in BookingsConfig.ready; is it in INSTALLED_APPS?"
        )
    return _engine
