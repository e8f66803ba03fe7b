"""/dashboard/reviews/: completed bookings waiting for the customer's review, and the review
form (an overall rating, three sub-ratings, a text) that bookings.services.reviews.
review_create judges, as the API's does: the window, one review per side, the booking done."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bookings.models import Actor
from bookings.processes import all_processes
from bookings.selectors.bookings import booking_list
from bookings.selectors.reviews import review_list_of_author
from bookings.services.reviews import review_create
from config.errors import ServiceError
from themes.pages.common import form_refusal
from themes.pages.dashboard.common import customer_page, own_booking, posted
from themes.pages.dashboard.forms import ReviewForm
from themes.pages.dashboard.labels import STATE_LABELS, label

WAITING_SHOWN = 50


def _reviewable_states() -> set[str]:
    return {state for process in all_processes().values() for state in process.reviewable}


@require_safe
@customer_page
def reviews(request):
    bookings = (
        booking_list(viewer=request.user, role=Actor.CUSTOMER)
        .filter(state__in=_reviewable_states())
        .exclude(reviews__side=Actor.CUSTOMER)
    )
    written = review_list_of_author(viewer=request.user).filter(side=Actor.CUSTOMER)
    context = {
        "waiting": [
            {"booking": booking, "state": label(STATE_LABELS, booking.state)}
            for booking in bookings[:WAITING_SHOWN]
        ],
        "written": written[:WAITING_SHOWN],
    }
    return render(request, "site/dashboard/reviews.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@customer_page
def review_write(request, booking_id: int):
    booking = own_booking(request, booking_id)
    form = ReviewForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                review_create(actor=request.user, booking_id=booking.pk, **form.cleaned_data)
            except ServiceError as error:
                status = form_refusal(form, error)
            else:
                messages.success(request, _("Thank you: your review is published."))
                return redirect("dashboard-booking", booking_id=booking.pk)
    context = {"booking": booking, "form": form}
    return render(request, "site/dashboard/review.html", context, status=status)
