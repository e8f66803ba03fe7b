"""/provider/calendar/: the provider's weekly hours, several ranges a day
(``weekly_hours_replace``), and the dated exceptions to them, days off or extra hours
(``availability_upsert``, ``availability_delete_range``), with the calendar customers see for
the coming weeks."""

from __future__ import annotations

from datetime import timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.selectors.availability import (
    availability_entries_own,
    provider_calendar,
    weekly_hours_own,
)
from catalog.services.availability import (
    EntryInput,
    availability_delete_range,
    availability_upsert,
    weekly_hours_replace,
)
from config.errors import ServiceError
from themes.pages.common import form_refusal
from themes.pages.provider.common import own_profile_or_none, provider_page
from themes.pages.provider.forms import ExceptionDeleteForm, ExceptionForm, WeeklyHoursForm

DAYS_SHOWN = 28
TEMPLATE = "site/provider/calendar.html"


def _today(request):
    return timezone.localtime(timezone.now(), ZoneInfo(request.tenant.time_zone)).date()


def _context(request, *, weekly=None, exception=None) -> dict:
    profile = own_profile_or_none(request.user)
    today = _today(request)
    end = today + timedelta(days=DAYS_SHOWN - 1)
    return {
        "profile": profile,
        "weekly_form": weekly or WeeklyHoursForm(hours=weekly_hours_own(user=request.user)),
        "exception_form": exception or ExceptionForm(),
        "entries": list(availability_entries_own(user=request.user, start=today, end=end))
        if profile
        else [],
        "days": provider_calendar(provider=profile, start=today, end=end) if profile else [],
    }


@require_http_methods(["GET", "HEAD", "POST"])
@provider_page
def calendar(request):
    if request.method != "POST":
        return render(request, TEMPLATE, _context(request))
    form = WeeklyHoursForm(request.POST, hours=weekly_hours_own(user=request.user))
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, weekly=form), status=400)
    try:
        weekly_hours_replace(actor=request.user, slots=form.slots())
    except ServiceError as error:
        status = form_refusal(form, form.place(error))
        return render(request, TEMPLATE, _context(request, weekly=form), status=status)
    messages.success(request, _("Your weekly hours are saved."))
    return redirect("provider-calendar")


@require_POST
@provider_page
def exception_add(request):
    form = ExceptionForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, exception=form), status=400)
    try:
        availability_upsert(actor=request.user, entries=[cast(EntryInput, form.cleaned_data)])
    except ServiceError as error:
        status = form_refusal(form, error)
        return render(request, TEMPLATE, _context(request, exception=form), status=status)
    messages.success(request, _("The date is saved."))
    return redirect("provider-calendar")


@require_POST
@provider_page
def exception_remove(request):
    form = ExceptionDeleteForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            availability_delete_range(actor=request.user, start=day, end=day)
            messages.success(request, _("The date follows your weekly hours again."))
        except ServiceError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a date."))
    return redirect("provider-calendar")
