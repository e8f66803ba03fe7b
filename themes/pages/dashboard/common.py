"""What the dashboard's pages share: the customer's own booking (anyone else's is not found),
pages of a list, and a service's NotFound as the site's 404."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import Http404

from bookings.models import Actor, Booking
from bookings.selectors.bookings import booking_get
from config.errors import NotFound
from themes.pages.common import page_role_required

MAX_ID = 2**63 - 1


def customer_page(view: Callable) -> Callable:
    """A customer's page: others are refused by page_role_required; a service's NotFound (an id
    that is not theirs, or another marketplace's) is a 404."""

    @page_role_required("customer")
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            raise Http404  # not an id at all; PostgreSQL would refuse it
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapped


def own_booking(request, booking_id: int) -> Booking:
    """The booking if the viewer is its customer (bookings.selectors.bookings.booking_get);
    the dashboard is the customer's, so staff and the provider find nothing here either."""
    booking, role = booking_get(viewer=request.user, booking_id=booking_id)
    if role != Actor.CUSTOMER:
        raise Http404
    return booking


def posted(request):
    """The form's data: bound on a POST (even an empty one), unbound otherwise."""
    return request.POST if request.method == "POST" else None
