"""/dashboard/, /dashboard/bookings/ and one booking: its money, its timeline, the steps the
customer may take now (the API's ``available_transitions``) and a cancellation that shows its
refund (bookings.selectors.cancellation, the rule the ``cancel`` step applies) before it is
confirmed. Steps go through bookings.services.transitions.booking_transition, as the API's."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings.models import Actor
from bookings.processes import get_process
from bookings.selectors.bookings import booking_event_list, booking_list, booking_money_visible
from bookings.selectors.cancellation import cancellation_refund_preview
from bookings.selectors.messages import thread_id_of_booking
from bookings.selectors.tickets import VALID_STATE
from bookings.selectors.unread import unread_counts
from bookings.services.steps import step_of
from bookings.services.transitions import booking_transition
from config.errors import ServiceError
from themes.pages.common import form_refusal, page_of
from themes.pages.dashboard.common import customer_page, own_booking, posted
from themes.pages.dashboard.forms import StepForm
from themes.pages.dashboard.labels import (
    EVENT_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    STEP_LABELS,
    label,
)

RECENT = 5
# The text a step carries (bookings.api.serializers.TransitionInputSerializer).
STEP_TEXT = {"cancel": "reason", "decline": "reason", "request_revision": "message"}


def _row(booking) -> dict:
    return {"booking": booking, "state": label(STATE_LABELS, booking.state)}


def _steps(booking) -> list[dict]:
    """The steps the customer may take now, as buttons; cancel has its own page, and steps with
    an endpoint of their own (a dispute) are not taken here."""
    names = get_process(booking.process).available(state=booking.state, actor=Actor.CUSTOMER)
    return [
        {
            "name": name,
            "label": label(STEP_LABELS, name),
            "form": StepForm(text_field=STEP_TEXT.get(name), prefix=name),
        }
        for name in names
        if name != "cancel" and not step_of(name).endpoint
    ]


@require_safe
@customer_page
def overview(request):
    bookings = booking_list(viewer=request.user, role=Actor.CUSTOMER)
    context = {
        "recent": [_row(booking) for booking in bookings[:RECENT]],
        **unread_counts(viewer=request.user),
    }
    return render(request, "site/dashboard/overview.html", context)


@require_safe
@customer_page
def bookings_page(request):
    state = request.GET.get("state") or None
    if state is not None and state not in STATE_LABELS:
        state = None
    page = page_of(request, booking_list(viewer=request.user, role=Actor.CUSTOMER, state=state))
    context = {
        "page": page,
        "rows": [_row(booking) for booking in page],
        "state": state,
        "states": sorted(STATE_LABELS.items(), key=lambda item: str(item[1])),
    }
    return render(request, "site/dashboard/bookings.html", context)


def _detail_context(request, booking) -> dict:
    events = [
        {
            "event": event,
            "label": label(EVENT_LABELS, event.transition),
            "state": label(STATE_LABELS, event.to_state),
            "who": label(ROLE_LABELS, event.actor_role),
        }
        for event in booking_event_list(booking=booking)
    ]
    names = get_process(booking.process).available(state=booking.state, actor=Actor.CUSTOMER)
    return {
        "booking": booking,
        "state": label(STATE_LABELS, booking.state),
        "money": booking_money_visible(booking=booking, viewer=request.user),
        "events": events,
        "steps": _steps(booking),
        "can_cancel": "cancel" in names,
        "thread_id": thread_id_of_booking(booking_id=booking.pk),
        "ticket_lines": list(booking.ticket_lines.select_related("tier")),
        "has_tickets": booking.state == VALID_STATE,
        "reviewable": booking.state in get_process(booking.process).reviewable,
    }


@require_safe
@customer_page
def booking_detail(request, booking_id: int):
    booking = own_booking(request, booking_id)
    return render(request, "site/dashboard/booking.html", _detail_context(request, booking))


@require_POST
@customer_page
def booking_step(request, booking_id: int, step: str):
    booking = own_booking(request, booking_id)
    if step not in {item["name"] for item in _steps(booking)}:
        context = _detail_context(request, booking)
        context["page_error"] = _("This step is not open to you now.")
        return render(request, "site/dashboard/booking.html", context, status=409)
    form = StepForm(request.POST, text_field=STEP_TEXT.get(step), prefix=step)
    status = 400
    if form.is_valid():
        try:
            booking_transition(
                booking_id=booking.pk, transition=step, actor=request.user, data=form.step_data()
            )
        except ServiceError as error:
            status = form_refusal(form, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": label(STEP_LABELS, step)})
            return redirect("dashboard-booking", booking_id=booking.pk)
    context = _detail_context(request, booking)
    for item in context["steps"]:
        if item["name"] == step:
            item["form"] = form
    return render(request, "site/dashboard/booking.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@customer_page
def booking_cancel(request, booking_id: int):
    """The refund first (GET), then the cancellation (POST) with an optional reason."""
    booking = own_booking(request, booking_id)
    names = get_process(booking.process).available(state=booking.state, actor=Actor.CUSTOMER)
    form = StepForm(posted(request), text_field="reason")
    status, page_error = 200, ""
    if "cancel" not in names:
        page_error, status = _("This booking can no longer be cancelled."), 409
    elif request.method == "POST" and form.is_valid():
        try:
            booking_transition(
                booking_id=booking.pk, transition="cancel", actor=request.user,
                data=form.step_data(),
            )  # fmt: skip
        except ServiceError as error:
            status = form_refusal(form, error)
        else:
            messages.success(request, _("Your booking is cancelled."))
            return redirect("dashboard-booking", booking_id=booking.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "booking": booking,
        "state": label(STATE_LABELS, booking.state),
        "refund": cancellation_refund_preview(booking=booking, role=Actor.CUSTOMER),
        "form": form,
        "open": "cancel" in names,
        "page_error": page_error,
    }
    return render(request, "site/dashboard/cancel.html", context, status=status)
