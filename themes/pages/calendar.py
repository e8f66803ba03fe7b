"""A provider's availability as a month to show: the weeks of one month, each day with its
status from catalog's calendar selector (the one the API's calendar endpoint reads), and the
months before and after. Months run from this one to MONTHS_AHEAD ahead; any other ``month``
asked for shows this month."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names
from django.utils import timezone, translation

from catalog.selectors.availability import provider_calendar
from tenants.db import connection

MONTHS_AHEAD = 12


def _locale() -> str:
    return (translation.get_language() or "en").replace("-", "_")


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _asked_month(asked: str | None, this_month: dt.date) -> dt.date:
    try:
        month = dt.datetime.strptime(asked or "", "%Y-%m").date()
    except ValueError:
        return this_month
    if this_month <= month <= _add_months(this_month, MONTHS_AHEAD):
        return month
    return this_month


def month_calendar(*, provider, asked: str | None) -> dict:
    zone = ZoneInfo(getattr(connection.tenant, "time_zone", None) or "UTC")
    today = timezone.now().astimezone(zone).date()
    this_month = today.replace(day=1)
    month = _asked_month(asked, this_month)
    last = _add_months(month, 1) - dt.timedelta(days=1)
    days = {row["date"]: row for row in provider_calendar(provider=provider, start=month, end=last)}
    locale = _locale()
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                None
                if day.month != month.month
                else {
                    "date": day,
                    "number": format_date(day, "d", locale=locale),
                    "label": format_date(day, "full", locale=locale),
                    "status": "past" if day < today else days[day]["status"],
                }
                for day in week
            ]
        )
    names = get_day_names("abbreviated", locale=locale)
    wide = get_day_names("wide", locale=locale)
    before = _add_months(month, -1)
    after = _add_months(month, 1)
    return {
        "title": format_date(month, "LLLL yyyy", locale=locale),
        "weekdays": [(names[i], wide[i]) for i in range(7)],
        "weeks": weeks,
        "available": sum(1 for row in days.values() if row["status"] == "available"),
        "previous": before.strftime("%Y-%m") if before >= this_month else None,
        "next": after.strftime("%Y-%m") if after <= _add_months(this_month, MONTHS_AHEAD) else None,
    }
