"""Catalog reads other than search: the category tree, profiles, listings, calendars, favorites.

Each selector owns its select_related / prefetch_related so list endpoints keep a constant
number of queries whatever the page size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from catalog.models import (
    AvailabilityEntry,
    Category,
    Favorite,
    Listing,
    ListingPackage,
    ListingType,
    ProviderProfile,
    TicketTier,
    Vouch,
    WeeklyHours,
)
from catalog.services.availability import check_date_range
from config.errors import NotFound
from tenants.db import connection

# Categories and listing types


def category_tree() -> list[dict[str, Any]]:
    """Every category as nested dicts (one query), siblings by position then name."""
    nodes: dict[int, dict[str, Any]] = {}
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for category in Category.objects.order_by("position", "name"):
        node = {
            "id": category.pk,
            "slug": category.slug,
            "name": category.name,
            "names": category.names,
            "icon": category.icon,
            "position": category.position,
            "parent": category.parent_id,
            "children": [],
        }
        nodes[category.pk] = node
        children[category.parent_id].append(node)
    for pk, node in nodes.items():
        node["children"] = children.get(pk, [])
    return children.get(None, [])


def listing_type_list() -> QuerySet[ListingType]:
    return ListingType.objects.order_by("position", "name")


# Provider profiles


def _profile_queryset() -> QuerySet[ProviderProfile]:
    return ProviderProfile.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "name"))
    )


def provider_profile_get(*, provider_id: int) -> ProviderProfile:
    profile = _profile_queryset().filter(pk=provider_id).first()
    if profile is None:
        raise NotFound(_("No such provider."))
    return profile


# Where a provider is, as the public sees it: each coordinate rounded to two decimals, i.e.
# snapped to a 0.01° grid (1.1 km north–south; east–west 0.7 km at London's latitude, less
# towards the poles). A fixed grid rather than random noise: noise averages out over repeated
# requests, a grid point is the same every time. Search measures the distances it shows to
# this point too (catalog.search), so they reveal nothing more. Only the provider (their own
# profile) and staff see the exact coordinates; search's radius filter uses them server-side.
PUBLIC_COORDINATE_DECIMALS = 2


def public_coordinate(coordinate) -> Round:
    """The public value of a coordinate column (or expression), computed by PostgreSQL."""
    return Round(coordinate, PUBLIC_COORDINATE_DECIMALS)


def provider_profile_public(*, provider_id: int) -> ProviderProfile:
    """A provider's profile for anyone: ``public_latitude`` / ``public_longitude`` carry the
    only coordinates a public response may show."""
    profile = (
        _profile_queryset()
        .annotate(
            public_latitude=public_coordinate("latitude"),
            public_longitude=public_coordinate("longitude"),
        )
        .filter(pk=provider_id)
        .first()
    )
    if profile is None:
        raise NotFound(_("No such provider."))
    return profile


def provider_profile_own(*, user) -> ProviderProfile:
    profile = _profile_queryset().filter(user=user).first()
    if profile is None:
        raise NotFound(_("Create your provider profile first."), code="no_profile")
    return profile


class VouchCount(TypedDict):
    skill_area: str
    count: int


def vouch_summary(*, provider: ProviderProfile) -> list[VouchCount]:
    """How many providers vouch for this one, by skill area."""
    return list(
        Vouch.objects.filter(vouchee=provider)
        .values("skill_area")
        .annotate(count=Count("pk"))
        .order_by("-count", "skill_area")
    )


def vouch_list(*, provider_id: int) -> QuerySet[Vouch]:
    provider_profile_get(provider_id=provider_id)
    return (
        Vouch.objects.filter(vouchee_id=provider_id)
        .select_related("voucher")
        .order_by("-created_at", "-pk")
    )


# Listings


def _listing_queryset() -> QuerySet[Listing]:
    # Bookings count what a tier has held and sold; that definition lives with them.
    from bookings.selectors import ticket_tiers_counted

    # Archived packages stay only for the orders that refer to them; they are not offered.
    current_packages = ListingPackage.objects.filter(archived_at__isnull=True)
    return Listing.objects.select_related("category", "listing_type", "provider").prefetch_related(
        Prefetch("packages", queryset=current_packages),
        Prefetch("ticket_tiers", queryset=ticket_tiers_counted(TicketTier.objects.all())),
    )


def listing_visible(*, listing: Listing, viewer) -> bool:
    if listing.status == Listing.Status.PUBLISHED:
        return True
    return bool(viewer and viewer.is_authenticated) and (
        listing.provider.user_id == viewer.pk or is_staff(viewer)
    )


def listing_get(*, viewer, listing_id: int | None = None, slug: str | None = None) -> Listing:
    """A listing the viewer may see: published ones for all, the rest for owner and staff."""
    lookup = {"pk": listing_id} if listing_id is not None else {"slug": slug}
    listing = _listing_queryset().filter(**lookup).first()
    if listing is None or not listing_visible(listing=listing, viewer=viewer):
        raise NotFound(_("No such listing."))
    return listing


def provider_listings(*, provider_id: int, viewer) -> QuerySet[Listing]:
    """A provider's listings: published ones, or every one but archived for the owner."""
    profile = provider_profile_get(provider_id=provider_id)
    queryset = _listing_queryset().filter(provider=profile)
    if viewer and viewer.is_authenticated and profile.user_id == viewer.pk:
        return queryset.exclude(status=Listing.Status.ARCHIVED).order_by("-created_at", "-pk")
    return queryset.filter(status=Listing.Status.PUBLISHED).order_by("-published_at", "-pk")


def own_listings(*, user, status: str | None = None) -> QuerySet[Listing]:
    queryset = _listing_queryset().filter(provider__user=user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


# Availability


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
    from bookings.models import RELEASED_STATES, Booking

    zone = ZoneInfo(connection.tenant.time_zone)
    window_start = datetime.combine(start, time.min, zone)
    window_end = datetime.combine(end + timedelta(days=1), time.min, zone)
    held = Booking.objects.filter(
        provider=provider, starts_at__lt=window_end, ends_at__gt=window_start
    ).exclude(state__in=RELEASED_STATES)
    booked: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for starts_at, ends_at in held.values_list("starts_at", "ends_at"):
        assert starts_at is not None and ends_at is not None  # the range filter skips NULLs
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


# Favorites


def favorite_list(*, user) -> QuerySet[Favorite]:
    return (
        Favorite.objects.filter(user=user)
        .select_related(
            "provider", "listing", "listing__provider", "listing__category", "listing__listing_type"
        )
        .order_by("-created_at", "-pk")
    )
