"""When providers are free: the search filter, the calendar and the provider's own hours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog.hooks import booking_engine
from catalog.models import AvailabilityEntry, ProviderProfile, WeeklyHours
from catalog.services.availability import check_date_range
from tenants.db import connection


def available_on(day: date, *, provider_field: str = "pk") -> Q:
    """A filter for providers free on ``day``, for a ProviderProfile queryset.

    Free means a whole-day AVAILABLE entry, or weekly hours on that weekday; and no whole-day
    BLOCKED entry. Timed blocks are not subtracted here (the calendar does that): a day with
    any hours left is what search needs. For a Listing queryset pass
    ``provider_field="provider_id"``.
    """
    provider = OuterRef(provider_field)
    whole_day = AvailabilityEntry.objects.filter(
        provider=provider, date=day, start_time__isnull=True
    )
    available = Exists(whole_day.filter(status=AvailabilityEntry.Status.AVAILABLE))
    blocked = Exists(whole_day.filter(status=AvailabilityEntry.Status.BLOCKED))
    weekly = Exists(WeeklyHours.objects.filter(provider=provider, weekday=day.weekday()))
    return (Q(available) | Q(weekly)) & ~Q(blocked)


DAY_MINUTES = 24 * 60


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _entry_minutes(entry: AvailabilityEntry) -> tuple[int, int]:
    """A timed entry's range (the availability_time_range constraint sets both ends or none)."""
    assert entry.start_time is not None and entry.end_time is not None
    return _minutes(entry.start_time), _minutes(entry.end_time)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    result = []
    for start, end in intervals:
        if cut[1] <= start or cut[0] >= end:
            result.append((start, end))
            continue
        if start < cut[0]:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


def day_minutes(
    local_start: datetime, local_end: datetime, zone: ZoneInfo, last_day: date
) -> Iterator[tuple[date, int, int]]:
    """The local days a time range touches, each with the minutes it covers that day (cut at
    midnight; a started minute counts), up to ``last_day``."""
    day = local_start.date()
    while day <= local_end.date() and day <= last_day:
        day_start = datetime.combine(day, time.min, zone)
        first = max(0, int((local_start - day_start).total_seconds() // 60))
        last = min(DAY_MINUTES, -(-int((local_end - day_start).total_seconds()) // 60))
        if last > first:
            yield day, first, last
        day += timedelta(days=1)


def _booked_minutes(provider, start: date, end: date) -> dict[date, list[tuple[int, int]]]:
    """Per local day, the minutes held by the provider's bookings (cut at midnight)."""
    zone = ZoneInfo(connection.tenant.time_zone)
    window_start = datetime.combine(start, time.min, zone)
    window_end = datetime.combine(end + timedelta(days=1), time.min, zone)
    held = booking_engine().provider_booked_time(
        provider=provider, start=window_start, end=window_end
    )
    booked: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for starts_at, ends_at in held:
        local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        for day, first, last in day_minutes(local_start, local_end, zone, end):
            booked[day].append((first, last))
    return booked


def provider_free_minutes(
    *, provider, start: date, end: date, count_bookings: bool = True
) -> dict[date, tuple[bool, list[tuple[int, int]]]]:
    """Per day from ``start`` to ``end``: whether a whole-day block closes it, and its free
    minute ranges. The one availability rule: the calendar shows it and bookings must fit it.

    A day's free time is its weekday's hours, plus timed AVAILABLE entries, minus timed BLOCKED
    entries; a whole-day AVAILABLE entry opens the whole day, a whole-day BLOCKED entry closes
    it. With ``count_bookings``, time held by bookings (requested, accepted, paid…) is not free
    either. Three queries whatever the range (two without bookings).
    """
    check_date_range(start, end)
    weekly: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for hours in WeeklyHours.objects.filter(provider=provider):
        weekly[hours.weekday].append((_minutes(hours.start_time), _minutes(hours.end_time)))
    entries: dict[date, list[AvailabilityEntry]] = defaultdict(list)
    for entry in AvailabilityEntry.objects.filter(
        provider=provider, date__gte=start, date__lte=end
    ).order_by("date", "start_time"):
        entries[entry.date].append(entry)
    booked = _booked_minutes(provider, start, end) if count_bookings else {}

    days: dict[date, tuple[bool, list[tuple[int, int]]]] = {}
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        day_entries = entries.get(day, [])
        whole = next((e for e in day_entries if e.start_time is None), None)
        if whole is not None and whole.status == AvailabilityEntry.Status.BLOCKED:
            days[day] = (True, [])
            continue
        free = [(0, DAY_MINUTES)] if whole is not None else list(weekly.get(day.weekday(), []))
        timed = [e for e in day_entries if e.start_time is not None]
        for entry in timed:
            if entry.status == AvailabilityEntry.Status.AVAILABLE:
                free.append(_entry_minutes(entry))
        free = _merge(free)
        for entry in timed:
            if entry.status == AvailabilityEntry.Status.BLOCKED:
                free = _subtract(free, _entry_minutes(entry))
        for cut in booked.get(day, ()):
            free = _subtract(free, cut)
        days[day] = (False, free)
    return days


def provider_calendar(*, provider: ProviderProfile, start: date, end: date) -> list[dict[str, Any]]:
    """Each day from ``start`` to ``end`` (inclusive): its status and free time ranges (see
    provider_free_minutes). Status: ``available`` (some free time), ``unavailable`` (none) or
    ``blocked`` (closed by a whole-day block)."""
    days = []
    for day, (blocked, free) in provider_free_minutes(
        provider=provider, start=start, end=end
    ).items():
        status = "blocked" if blocked else "available" if free else "unavailable"
        slots = [{"start": hhmm(s), "end": hhmm(e)} for s, e in free]
        days.append({"date": day, "status": status, "slots": slots})
    return days


def weekly_hours_own(*, user) -> QuerySet[WeeklyHours]:
    return WeeklyHours.objects.filter(provider__user=user).order_by("weekday", "start_time")


def availability_entries_own(*, user, start: date, end: date) -> QuerySet[AvailabilityEntry]:
    check_date_range(start, end)
    return AvailabilityEntry.objects.filter(
        provider__user=user, date__gte=start, date__lte=end
    ).order_by("date", "start_time")
