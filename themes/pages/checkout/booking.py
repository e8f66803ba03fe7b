"""Booking a listing from the site: the listing page's "Book" section and /book/<slug>/.

The form (themes.pages.checkout.forms) gathers the API's body; the API's own serializer
(BookingCreateSerializer) validates it and bookings' ``booking_create`` books it, so a page and
the API accept and refuse the same things. A refusal is shown beside its field with what was
typed; a booking made goes on to its checkout page (/checkout/booking/<id>/).

A date slot is picked on the provider's calendar (catalog's ``provider_calendar``, the one
the API's availability endpoint shows): a month grid of days, the free ones as radio buttons,
the month changed by plain links (``?month=YYYY-MM``).
"""

from __future__ import annotations

import calendar
import contextlib
from datetime import date, timedelta
from typing import Any, cast

from babel.dates import format_date, get_day_names
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from rest_framework.views import APIView

from bookings.api.serializers import BookingCreateSerializer
from bookings.services.creation import BookingRequest, booking_create
from catalog.models import Listing, ListingType
from catalog.selectors.availability import provider_calendar
from catalog.selectors.listings import listing_get
from config.errors import NotFound, ServiceError
from tenants.db import connection
from themes.pages.checkout.forms import booking_form, mark_invalid
from themes.pages.common import ROLES, form_refusal, page_role_required

TEMPLATE = "site/checkout/book.html"


def _locale() -> str:
    return (translation.get_language() or "en").replace("-", "_")


def _month(request) -> date:
    """The first day of the calendar's month: ``?month=YYYY-MM``, else the current one."""
    today = timezone.localdate()
    given = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in given.split("-", 1))
        first = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return max(first, today.replace(day=1))


def month_calendar(listing: Listing, first: date, chosen: str = "") -> dict[str, Any]:
    """The month of ``first`` as weeks of days (None outside the month), each day with its
    status on the provider's calendar; days before today are not bookable."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    today = timezone.localdate()
    days = {
        entry["date"]: entry
        for entry in provider_calendar(provider=listing.provider, start=first, end=last)
    }
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row: list[dict[str, Any] | None] = []
        for day in week:
            if day.month != first.month:
                row.append(None)
                continue
            entry = days.get(day, {"status": "unavailable", "slots": []})
            open_day = entry["status"] == "available" and day >= today
            row.append(
                {
                    "date": day,
                    "iso": day.isoformat(),
                    "available": open_day,
                    "slots": entry["slots"] if open_day else [],
                    "chosen": day.isoformat() == chosen,
                }
            )
        weeks.append(row)
    names = get_day_names("abbreviated", locale=_locale())
    wide = get_day_names("wide", locale=_locale())
    previous_month = (first - timedelta(days=1)).replace(day=1)
    return {
        "first": first,
        "weeks": weeks,
        "title": format_date(first, "LLLL y", locale=_locale()),
        "weekdays": [(names[index], wide[index]) for index in range(7)],
        "previous": previous_month.strftime("%Y-%m") if previous_month >= today.replace(day=1)
        else "",
        "next": (last + timedelta(days=1)).strftime("%Y-%m"),
    }  # fmt: skip


def booking_section(request, listing: Listing, form=None) -> dict[str, Any]:
    """What the "Book" section of a listing shows: its form (unbound, or ``form`` as posted)
    and, for a date slot, the calendar."""
    if form is None:
        form = booking_form(listing)
    section: dict[str, Any] = {
        "book_form": form,
        "book_pricing": listing.listing_type.pricing,
        "book_url": reverse("checkout-book", args=[listing.slug]),
    }
    if listing.listing_type.pricing == ListingType.Pricing.DATE_SLOT and form is not None:
        chosen = str(form["day"].value() or "")
        first = _month(request)
        if chosen and not request.GET.get("month"):
            with contextlib.suppress(ValueError):
                first = max(date.fromisoformat(chosen).replace(day=1), first)
        section["book_calendar"] = month_calendar(listing, first, chosen)
    return section


def listing_booking(request, listing: Listing) -> dict[str, Any]:
    """The listing page's "Book" section for a logged-in customer (nothing for anyone else:
    a visitor is asked to log in, a provider or staff member does not book)."""
    if not ROLES["customer"]().has_permission(request, cast(APIView, None)):
        return {}
    section = booking_section(request, listing)
    mark_invalid(section["book_form"])
    return section


def _serializer_errors(form, errors: dict) -> None:
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))


def _listing(request, slug: str) -> Listing:
    try:
        return listing_get(viewer=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.message) from error


@require_http_methods(["GET", "POST"])
@page_role_required("customer")
def book(request, slug: str):
    listing = _listing(request, slug)
    form = booking_form(listing, request.POST if request.method == "POST" else None)
    if form is None:
        raise Http404(_("This listing cannot be booked here."))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {"listing_id": listing.pk}
            data.update(form.api_data(listing, connection.tenant.time_zone))  # type: ignore[attr-defined]
            given = BookingCreateSerializer(data=data)
            if not given.is_valid():
                _serializer_errors(form, given.errors)
            else:
                try:
                    booking = booking_create(
                        actor=request.user, request=BookingRequest(**given.validated_data)
                    )
                except ServiceError as error:
                    status = form_refusal(form, error)
                else:
                    return redirect("checkout-booking", booking_id=booking.pk)
    mark_invalid(form)
    context = {"listing": listing, **booking_section(request, listing, form)}
    return render(request, TEMPLATE, context, status=status)
