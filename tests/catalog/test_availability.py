from datetime import date, time

from django_tenants.utils import tenant_context

from catalog.models import AvailabilityEntry, ProviderProfile, WeeklyHours
from catalog.selectors.availability import available_on
from tests.support.client import api, assert_error
from tests.support.factories.accounts import user_in
from tests.support.factories.catalog import provider_in

MONDAY = date(2031, 6, 2)  # a Monday


def test_weekly_hours_are_replaced_whole(fire):
    profile = provider_in(fire)
    client = api(fire, profile.user)
    url = "/api/v1/provider-profile/weekly-hours/"
    first = client.put(url, [{"weekday": 0, "start_time": "09:00", "end_time": "17:00"}])
    assert first.status_code == 200, first.content
    second = client.put(
        url,
        [
            {"weekday": 5, "start_time": "18:00", "end_time": "23:00"},
            {"weekday": 5, "start_time": "10:00", "end_time": "12:00"},
        ],
    )
    assert [h["start_time"] for h in second.json()] == ["18:00:00", "10:00:00"]
    assert [h["weekday"] for h in client.get(url).json()] == [5, 5]
    overlap = [
        {"weekday": 1, "start_time": "11:00", "end_time": "13:00"},
        {"weekday": 2, "start_time": "09:00", "end_time": "17:00"},
        {"weekday": 1, "start_time": "09:00", "end_time": "11:30"},
        {"weekday": 1, "start_time": "18:00", "end_time": "23:00"},
    ]
    refused = assert_error(client.put(url, overlap), 400, "overlapping_hours")
    assert list(refused["details"]) == ["[0]"]  # the later of the two, by its place in the body
    touching = [overlap[0], overlap[3], {**overlap[2], "end_time": "11:00"}]
    assert client.put(url, touching).status_code == 200  # ranges may meet
    assert_error(client.put(url, [{"weekday": 7, "start_time": "09:00", "end_time": "10:00"}]), 400)
    assert_error(client.put(url, [{"weekday": 1, "start_time": "10:00", "end_time": "09:00"}]), 400)
    assert_error(api(fire, user_in(fire)).put(url, []), 403)
    with tenant_context(fire):
        assert WeeklyHours.objects.filter(provider=profile).count() == 3


def test_calendar_combines_hours_blocks_and_extra_days(fire):
    profile = provider_in(fire)
    client = api(fire, profile.user)
    client.put(
        "/api/v1/provider-profile/weekly-hours/",
        [{"weekday": 0, "start_time": "09:00", "end_time": "17:00"}],
    )
    entries = client.post(
        "/api/v1/provider-profile/availability/",
        [
            {"date": "2031-06-02", "start_time": "12:00", "end_time": "13:00", "status": "blocked"},
            {"date": "2031-06-03", "status": "available"},
            {
                "date": "2031-06-04",
                "start_time": "19:00",
                "end_time": "22:00",
                "status": "available",
            },
            {"date": "2031-06-09", "status": "blocked", "note": "Holiday"},
        ],
    )
    assert entries.status_code == 200, entries.content
    calendar = api(fire).get(
        f"/api/v1/providers/{profile.pk}/availability/", {"from": "2031-06-02", "to": "2031-06-09"}
    )
    assert calendar.status_code == 200, calendar.content
    days = {
        d["date"]: (d["status"], [(s["start"], s["end"]) for s in d["slots"]])
        for d in calendar.json()["days"]
    }
    assert days["2031-06-02"] == ("available", [("09:00", "12:00"), ("13:00", "17:00")])
    assert days["2031-06-03"] == ("available", [("00:00", "24:00")])
    assert days["2031-06-04"] == ("available", [("19:00", "22:00")])
    assert days["2031-06-05"] == ("unavailable", [])
    assert days["2031-06-09"] == ("blocked", [])
    assert len(days) == 8

    # Upsert: the same whole day changes status instead of adding a row.
    client.post(
        "/api/v1/provider-profile/availability/", [{"date": "2031-06-09", "status": "available"}]
    )
    with tenant_context(fire):
        assert (
            AvailabilityEntry.objects.get(provider=profile, date="2031-06-09").status == "available"
        )
    deleted = client.delete("/api/v1/provider-profile/availability/?from=2031-06-03&to=2031-06-04")
    assert deleted.json() == {"deleted": 2}
    own = client.get(
        "/api/v1/provider-profile/availability/", {"from": "2031-06-01", "to": "2031-06-30"}
    )
    assert [e["date"] for e in own.json()] == ["2031-06-02", "2031-06-09"]


def test_calendar_ranges_and_dates_are_validated(fire, talent):
    profile = provider_in(fire)
    url = f"/api/v1/providers/{profile.pk}/availability/"
    client = api(fire)
    assert_error(client.get(url, {"from": "2031-13-01", "to": "2031-12-31"}), 400, "malformed_date")
    assert_error(client.get(url, {"from": "yesterday"}), 400, "malformed_date")
    assert_error(client.get(url, {"from": "2031-01-01", "to": "2032-01-02"}), 400, "range_too_long")
    assert_error(client.get(url, {"from": "2031-02-01", "to": "2031-01-01"}), 400)
    assert len(client.get(url, {"from": "2031-01-01", "to": "2032-01-01"}).json()["days"]) == 366
    assert len(client.get(url).json()["days"]) == 30
    own = api(fire, profile.user)
    assert_error(own.delete("/api/v1/provider-profile/availability/?from=2031-01-01"), 400)
    bad = [{"date": "2031-01-01", "start_time": "10:00", "status": "blocked"}]
    assert_error(own.post("/api/v1/provider-profile/availability/", bad), 400)
    assert_error(
        own.post("/api/v1/provider-profile/availability/", [{"date": "x", "status": "blocked"}]),
        400,
    )
    assert_error(api(talent).get(url), 404)


def test_available_on_filters_providers_for_search(fire):
    weekly, extra, blocked, idle = (provider_in(fire) for _ in range(4))
    with tenant_context(fire):
        for profile in (weekly, blocked):
            WeeklyHours.objects.create(
                provider=profile, weekday=0, start_time=time(9), end_time=time(17)
            )
        AvailabilityEntry.objects.create(provider=extra, date=MONDAY, status="available")
        AvailabilityEntry.objects.create(provider=blocked, date=MONDAY, status="blocked")
        free = set(
            ProviderProfile.objects.filter(available_on(MONDAY)).values_list("pk", flat=True)
        )
        assert free == {weekly.pk, extra.pk}
        tuesday = set(
            ProviderProfile.objects.filter(available_on(date(2031, 6, 3))).values_list(
                "pk", flat=True
            )
        )
        assert tuesday == set()
        assert idle.pk not in free
