"""A provider's weekly hours and dated exceptions (extra availability or blocks)."""

from __future__ import annotations

from datetime import date, time
from typing import TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import AvailabilityEntry, WeeklyHours
from catalog.services.profiles import profile_of
from config.errors import InvalidInput

MAX_RANGE_DAYS = 366
MAX_ENTRIES_PER_CALL = 500


class WeeklySlot(TypedDict):
    weekday: int
    start_time: time
    end_time: time


class EntryInput(TypedDict, total=False):
    date: date
    start_time: time | None
    end_time: time | None
    status: str
    note: str


def check_date_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            _("The range ends before it starts."), details={"to": [_("Must be ≥ from.")]}
        )
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(
            _("A range covers at most %(limit)s days.") % {"limit": MAX_RANGE_DAYS},
            code="range_too_long",
            details={"to": [_("At most %(limit)s days after from.") % {"limit": MAX_RANGE_DAYS}]},
        )


def _check_no_overlap(slots: list[WeeklySlot]) -> None:
    """Ranges of one weekday may touch, not overlap. The refusal names the later of two
    overlapping slots by its place in ``slots`` (``[index]``), as the other checks do."""
    ordered = sorted(
        (slot["weekday"], slot["start_time"], slot["end_time"], index)
        for index, slot in enumerate(slots)
    )
    for (day_a, _start_a, end_a, _index_a), (day_b, start_b, _end_b, index_b) in zip(
        ordered, ordered[1:], strict=False
    ):
        if day_a == day_b and start_b < end_a:
            raise InvalidInput(
                _("Time ranges on the same day overlap."),
                code="overlapping_hours",
                details={
                    f"[{index_b}]": [
                        _("Overlap on %(day)s at %(time)s.")
                        % {"day": day_a, "time": f"{start_b:%H:%M}"}
                    ]
                },
            )


@transaction.atomic
def weekly_hours_replace(*, actor, slots: list[WeeklySlot]) -> list[WeeklyHours]:
    """Replace all of the actor's weekly hours with ``slots`` (an empty list clears them)."""
    profile = profile_of(actor, lock=True)
    for index, slot in enumerate(slots):
        if not 0 <= slot["weekday"] <= 6:
            raise InvalidInput(
                _("Weekdays run 0 (Monday) to 6."), details={f"[{index}]": [_("weekday.")]}
            )
        if slot["end_time"] <= slot["start_time"]:
            raise InvalidInput(
                _("Hours must end after they start."), details={f"[{index}]": [_("end_time.")]}
            )
    _check_no_overlap(slots)
    WeeklyHours.objects.filter(provider=profile).delete()
    return WeeklyHours.objects.bulk_create(WeeklyHours(provider=profile, **slot) for slot in slots)


@transaction.atomic
def availability_upsert(*, actor, entries: list[EntryInput]) -> list[AvailabilityEntry]:
    """Create or change dated entries, keyed by (date, start_time, end_time).

    A whole-day entry (no times) replaces the whole-day entry of that date, if any.
    """
    profile = profile_of(actor, lock=True)
    if len(entries) > MAX_ENTRIES_PER_CALL:
        raise InvalidInput(
            _("At most %(limit)s entries per call.") % {"limit": MAX_ENTRIES_PER_CALL}
        )
    keys = set()
    for index, entry in enumerate(entries):
        start, end = entry.get("start_time"), entry.get("end_time")
        if (start is None) != (end is None) or (start and end and end <= start):
            raise InvalidInput(
                _("Give both times with the end after the start, or neither for the whole day."),
                details={f"[{index}]": [_("start_time/end_time.")]},
            )
        if entry["status"] not in AvailabilityEntry.Status.values:
            raise InvalidInput(_("Unknown status."), details={f"[{index}]": [_("status.")]})
        key = (entry["date"], start, end)
        if key in keys:
            raise InvalidInput(
                _("An entry is listed twice."), details={f"[{index}]": [_("duplicate.")]}
            )
        keys.add(key)
    if entries:
        check_date_range(min(k[0] for k in keys), max(k[0] for k in keys))

    existing = {
        (e.date, e.start_time, e.end_time): e
        for e in AvailabilityEntry.objects.select_for_update()
        .filter(provider=profile, date__in={k[0] for k in keys})
        .order_by("pk")
    }
    saved, to_update = [], []
    for entry in entries:
        key = (entry["date"], entry.get("start_time"), entry.get("end_time"))
        current = existing.get(key)
        if current is None:
            saved.append(
                AvailabilityEntry(
                    provider=profile,
                    date=key[0],
                    start_time=key[1],
                    end_time=key[2],
                    status=entry["status"],
                    note=entry.get("note", ""),
                )
            )
        else:
            current.status, current.note = entry["status"], entry.get("note", current.note)
            to_update.append(current)
    AvailabilityEntry.objects.bulk_update(to_update, ["status", "note"])
    created = AvailabilityEntry.objects.bulk_create(saved)
    return sorted(to_update + created, key=lambda e: (e.date, e.start_time or time.min))


@transaction.atomic
def availability_delete_range(*, actor, start: date, end: date) -> int:
    """Delete the actor's dated entries from ``start`` to ``end`` inclusive; return how many."""
    profile = profile_of(actor, lock=True)
    check_date_range(start, end)
    deleted, _ = AvailabilityEntry.objects.filter(
        provider=profile, date__gte=start, date__lte=end
    ).delete()
    return deleted
