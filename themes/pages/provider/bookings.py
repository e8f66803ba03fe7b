"""/provider/bookings/: the provider's requests and orders, and one booking with the steps its
process offers the provider now (accept, decline, quote, start, complete, cancel), its
deliveries with their files, the revisions asked and its history. Each step goes through
``booking_transition`` and a delivery through ``delivery_create``, as over the API; a booking
the logged-in provider is not the provider of is not found."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from bookings.selectors.bookings import booking_event_list, booking_list, booking_money_visible
from bookings.selectors.deliveries import delivery_list
from bookings.selectors.messages import thread_id_of_booking
from bookings.services.deliveries import delivery_create
from bookings.services.transitions import booking_transition
from config.errors import ServiceError
from themes.pages.common import form_refusal
from themes.pages.provider.common import own_booking, provider_page, state_label
from themes.pages.provider.forms import DeclineForm, DeliveryForm, QuoteForm
from themes.pages.provider.home import provider_steps

PAGE_SIZE = 50
# The steps a provider takes with a reason for the customer, and the one that carries a price.
WITH_REASON = {"decline", "cancel"}
STEP_LABELS = {
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "quote": gettext_lazy("Send the quote"),
    "start": gettext_lazy("Start work"),
    "complete": gettext_lazy("Mark as completed"),
    "cancel": gettext_lazy("Cancel the booking"),
    "deliver": gettext_lazy("Deliver"),
}
FILTERS = {
    "all": gettext_lazy("All"),
    "waiting": gettext_lazy("Waiting for you"),
}


@require_safe
@provider_page
def booking_index(request):
    shown = request.GET.get("show") if request.GET.get("show") in FILTERS else "all"
    bookings = list(booking_list(viewer=request.user, role="provider")[: PAGE_SIZE * 4])
    if shown == "waiting":
        bookings = [booking for booking in bookings if provider_steps(booking)]
    bookings = bookings[:PAGE_SIZE]
    for booking in bookings:
        booking.state_label = state_label(booking.state)
    context = {"bookings": bookings, "filters": FILTERS.items(), "shown": shown}
    return render(request, "site/provider/bookings.html", context)


def _forms(booking, data=None, files=None, *, failed: str | None = None, form=None) -> dict:
    """The forms of the steps offered now; the one that failed (``failed``) is ``form``."""
    steps = provider_steps(booking)
    made = {}
    for step in steps:
        if step == failed and form is not None:
            made[step] = form
        elif step == "quote":
            made[step] = QuoteForm(currency=booking.currency, prefix="quote")
        elif step in WITH_REASON:
            made[step] = DeclineForm(prefix=step)
        elif step == "deliver":
            made[step] = DeliveryForm(prefix="deliver")
        else:
            made[step] = None
    return made


def _page(request, booking, *, status: int = 200, failed: str | None = None, form=None):
    _booking, deliveries = delivery_list(viewer=request.user, booking_id=booking.pk)
    events = list(booking_event_list(booking=booking))
    booking.state_label = state_label(booking.state)
    for event in events:
        event.to_label = state_label(event.to_state)
    forms = _forms(booking, failed=failed, form=form)
    context = {
        "booking": booking,
        "money": booking_money_visible(booking=booking, viewer=request.user),
        "steps": [
            (name, STEP_LABELS.get(name, name.replace("_", " ")), forms[name]) for name in forms
        ],  # fmt: skip
        "deliveries": list(deliveries),
        "revisions": [event for event in events if event.transition == "request_revision"],
        "events": events,
        "thread_id": thread_id_of_booking(booking_id=booking.pk),
    }
    return render(request, "site/provider/booking.html", context, status=status)


@require_safe
@provider_page
def booking_detail(request, booking_id: int):
    return _page(request, own_booking(request, booking_id))


@require_POST
@provider_page
def booking_step(request, booking_id: int):
    """The step named by the button pressed (``transition``), with its form's fields."""
    booking = own_booking(request, booking_id)
    transition = request.POST.get("transition", "")
    if transition == "deliver" or transition not in STEP_LABELS:
        messages.error(request, _("Choose a step the booking offers."))
        return _page(request, booking, status=400)
    form: forms.Form | None = None
    data: dict = {}
    if transition == "quote":
        form = QuoteForm(request.POST, currency=booking.currency, prefix="quote")
    elif transition in WITH_REASON:
        form = DeclineForm(request.POST, prefix=transition)
    if form is not None:
        if not form.is_valid():
            return _page(request, booking, status=400, failed=transition, form=form)
        data = {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}
    try:
        booking_transition(booking_id=booking.pk, transition=transition, actor=request.user,
                           data=data)  # fmt: skip
    except ServiceError as error:
        if form is None:
            messages.error(request, error.message)
            return _page(request, own_booking(request, booking_id), status=error.status)
        status = form_refusal(form, error)
        booking = own_booking(request, booking_id)
        return _page(request, booking, status=status, failed=transition, form=form)
    messages.success(request, _("Done: %(step)s.") % {"step": STEP_LABELS[transition]})
    return redirect("provider-booking", booking_id=booking.pk)


@require_POST
@provider_page
def booking_deliver(request, booking_id: int):
    booking = own_booking(request, booking_id)
    form = DeliveryForm(request.POST, request.FILES, prefix="deliver")
    if not form.is_valid():
        return _page(request, booking, status=400, failed="deliver", form=form)
    try:
        delivery_create(
            actor=request.user,
            booking_id=booking.pk,
            message=form.cleaned_data["message"],
            uploads=request.FILES.getlist("deliver-file"),
        )
    except ServiceError as error:
        status = form_refusal(form, error)
        booking = own_booking(request, booking_id)
        return _page(request, booking, status=status, failed="deliver", form=form)
    messages.success(request, _("Delivered: the customer has been told."))
    return redirect("provider-booking", booking_id=booking.pk)
