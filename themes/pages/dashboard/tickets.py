"""/dashboard/bookings/<id>/tickets/: a ticket booking's tickets once issued, each with its QR
image and printable page from this marketplace's own addresses
(bookings.selectors.tickets.ticket_paths, the API's links)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings.selectors.tickets import VALID_STATE, ticket_list_of_booking, ticket_paths
from themes.pages.dashboard.common import customer_page, own_booking


@require_safe
@customer_page
def booking_tickets(request, booking_id: int):
    own_booking(request, booking_id)  # the customer's own (404 for the provider and staff)
    booking, holders = ticket_list_of_booking(viewer=request.user, booking_id=booking_id)
    if not booking.ticket_lines.exists():
        raise Http404
    tickets = [{"ticket": holder, "links": ticket_paths(code=holder.code)} for holder in holders]
    context = {"booking": booking, "tickets": tickets, "valid": booking.state == VALID_STATE}
    return render(request, "site/dashboard/tickets.html", context)
