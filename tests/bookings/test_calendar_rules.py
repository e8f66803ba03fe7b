"""Date bookings fall inside the provider's calendar (the rule the availability API shows),
within the marketplace's booking horizon and the listing type's longest slot."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.utils import tenant_context

from bookings.models import Booking
from catalog.models import AvailabilityEntry, ListingType, WeeklyHours
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import listing_of

WEEKDAYS = range(5)  # Monday to Friday


def _provider(marketplace, *, weekdays=WEEKDAYS, hours=(time(9), time(23))):
    """A performer who works ``hours`` on ``weekdays`` (local time) and a listing of theirs."""
    _, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        for weekday in weekdays:
            WeeklyHours.objects.create(
                provider=profile, weekday=weekday, start_time=hours[0], end_time=hours[1]
            )
        return listing_of("performance", provider=profile, price_minor=60000)


def _next(marketplace, weekday: int, *, after_days: int = 7) -> date:
    """The first local date on ``weekday`` at least ``after_days`` from today."""
    day = timezone.now().astimezone(ZoneInfo(marketplace.time_zone)).date()
    day += timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _at(marketplace, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(marketplace.time_zone))


def _book(marketplace, listing, start: datetime, end: datetime):
    return party(marketplace).api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )


def _booked(marketplace, listing) -> int:
    with tenant_context(marketplace):
        return Booking.objects.filter(listing=listing).count()


def test_a_slot_inside_the_weekly_hours_is_booked(fire):
    listing = _provider(fire)
    tuesday = _next(fire, 1)
    response = _book(fire, listing, _at(fire, tuesday, 19), _at(fire, tuesday, 21))
    assert response.status_code == 201, response.content


def test_a_day_without_hours_is_refused(fire):
    listing = _provider(fire)
    saturday = _next(fire, 5)
    body = assert_error(
        _book(fire, listing, _at(fire, saturday, 19), _at(fire, saturday, 21)),
        409,
        "provider_unavailable",
    )
    assert body["details"]["date"] == saturday.isoformat()
    assert saturday.isoformat() in body["message"]
    assert _booked(fire, listing) == 0


def test_hours_outside_the_weekly_hours_are_refused(fire):
    listing = _provider(fire)
    tuesday = _next(fire, 1)
    body = assert_error(
        _book(fire, listing, _at(fire, tuesday, 6), _at(fire, tuesday, 8)),
        409,
        "provider_unavailable",
    )
    assert body["details"]["date"] == tuesday.isoformat()
    assert body["details"]["available"] == [{"start": "09:00", "end": "23:00"}]
    assert _booked(fire, listing) == 0


def test_a_timed_block_inside_the_hours_is_refused(fire):
    listing = _provider(fire)
    tuesday = _next(fire, 1)
    with tenant_context(fire):
        AvailabilityEntry.objects.create(
            provider=listing.provider,
            date=tuesday,
            start_time=time(20),
            end_time=time(21),
            status="blocked",
        )
    assert_error(
        _book(fire, listing, _at(fire, tuesday, 19), _at(fire, tuesday, 21)),
        409,
        "provider_unavailable",
    )


def test_the_end_of_time_is_beyond_the_horizon(fire):
    listing = _provider(fire, weekdays=range(7))
    start = datetime(9999, 12, 31, 19, tzinfo=ZoneInfo("UTC"))
    body = assert_error(
        _book(fire, listing, start, start + timedelta(hours=2)), 422, "beyond_horizon"
    )
    assert body["details"]["horizon_days"] == 365
    assert "365 days" in body["message"]
    assert _booked(fire, listing) == 0


def test_26_hours_across_an_unavailable_day_are_refused(fire):
    # Friday is open all day by an entry; Saturday has no hours.
    listing = _provider(fire)
    friday = _next(fire, 4)
    saturday = friday + timedelta(days=1)
    with tenant_context(fire):
        AvailabilityEntry.objects.create(provider=listing.provider, date=friday, status="available")
    start = _at(fire, friday, 20)
    body = assert_error(
        _book(fire, listing, start, start + timedelta(hours=26)), 409, "provider_unavailable"
    )
    assert body["details"]["date"] == saturday.isoformat()
    assert _booked(fire, listing) == 0

    # Open Saturday too, and the same 26 hours run on through midnight.
    with tenant_context(fire):
        AvailabilityEntry.objects.create(
            provider=listing.provider, date=saturday, status="available"
        )
    response = _book(fire, listing, start, start + timedelta(hours=26))
    assert response.status_code == 201, response.content


def test_longer_than_the_listing_types_maximum_is_refused(fire):
    listing = _provider(fire)
    with tenant_context(fire):
        listing_type = ListingType.objects.get(slug="performance")
        listing_type.config = {**listing_type.config, "max_slot_hours": 4}
        listing_type.save(update_fields=["config"])
    tuesday = _next(fire, 1)
    body = assert_error(
        _book(fire, listing, _at(fire, tuesday, 10), _at(fire, tuesday, 15)), 422, "slot_too_long"
    )
    assert body["details"]["max_slot_hours"] == 4
    assert "4 hours" in body["message"]
    response = _book(fire, listing, _at(fire, tuesday, 10), _at(fire, tuesday, 14))
    assert response.status_code == 201, response.content


def test_the_default_maximum_is_three_days(fire):
    listing = _provider(fire, weekdays=())
    monday = _next(fire, 0)
    with tenant_context(fire):
        for offset in range(5):
            AvailabilityEntry.objects.create(
                provider=listing.provider, date=monday + timedelta(days=offset), status="available"
            )
    start = _at(fire, monday, 9)
    body = assert_error(
        _book(fire, listing, start, start + timedelta(hours=73)), 422, "slot_too_long"
    )
    assert body["details"]["max_slot_hours"] == 72


def test_staff_set_the_booking_horizon(fire):
    listing = _provider(fire)
    staff = staff_party(fire)
    response = staff.api.patch("/api/v1/marketplace/", {"booking_horizon_days": 10})
    assert response.status_code == 200, response.content
    assert response.json()["marketplace"]["booking_horizon_days"] == 10
    assert_error(party(fire).api.patch("/api/v1/marketplace/", {"booking_horizon_days": 1000}), 403)
    assert_error(staff.api.patch("/api/v1/marketplace/", {"booking_horizon_days": 0}), 400)

    far = _next(fire, 1, after_days=14)
    body = assert_error(
        _book(fire, listing, _at(fire, far, 19), _at(fire, far, 21)), 422, "beyond_horizon"
    )
    assert body["details"]["horizon_days"] == 10
    near = _next(fire, 1, after_days=1)
    response = _book(fire, listing, _at(fire, near, 19), _at(fire, near, 21))
    assert response.status_code == 201, response.content
