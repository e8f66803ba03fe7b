"""Event tickets: the e-mail that carries a booking's tickets, and check-in at the door (the
reads — a ticket's page, QR image and the organiser's figures — are bookings.selectors.tickets).

A ticket's code (``Attendee.code``, random, made at reservation) is a bearer secret: whoever
holds it may open the ticket page and its QR image, which is how a ticket forwarded by e-mail
works without an account. The QR image encodes the bare code; the organiser's scanner posts
it to the check-in endpoint. A ticket is valid only while its booking is ``issued``.
"""

from __future__ import annotations

from datetime import datetime
from email.mime.image import MIMEImage

from babel.dates import format_date, format_time
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from bookings.models import Attendee, Booking
from bookings.notification_texts import (
    direction,
    language_for,
    render_text,
    ticket_email_texts,
)
from bookings.selectors.tickets import VALID_STATE, ticket_paths, ticket_qr, ticket_view_get
from bookings.services.transitions import Move
from config.errors import NotFound, StateConflict
from tenants.db import connection

# --- Check-in -----------------------------------------------------------------------------


def ticket_check_in(*, actor, code: str, now: datetime | None = None) -> Attendee:
    """Admit a ticket holder once, as the event's organiser or staff.

    Under the attendee's row lock, so two scans of one code at once admit it only once.
    A code of another organiser's event is not found, as if it did not exist."""
    code = (code or "").strip()
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update(of=("self",))
            .select_related("booking__listing__provider", "tier")
            .filter(code=code)
            .first()
        )
        if attendee is None or not (
            is_staff(actor) or attendee.booking.listing.provider.user_id == actor.pk
        ):
            raise NotFound(_("No such ticket."), code="ticket_not_found")
        booking = attendee.booking
        if booking.state != VALID_STATE:
            raise StateConflict(
                _("This ticket is not valid."),
                code="ticket_not_valid",
                details={"state": booking.state},
            )
        if attendee.checked_in_at is not None:
            raise StateConflict(
                _("This ticket has already been checked in."),
                code="already_checked_in",
                details={
                    "checked_in_at": attendee.checked_in_at.isoformat(),
                    "checked_in_by": attendee.checked_in_by_id,
                },
            )
        attendee.checked_in_at = now or timezone.now()
        attendee.checked_in_by = actor
        attendee.save(update_fields=["checked_in_at", "checked_in_by"])
    return attendee


# --- E-mail on issue ----------------------------------------------------------------------


def email_tickets_after_issue(move: Move) -> None:
    booking_id = move.booking.pk
    move.after_commit.append(lambda: _queue_tickets_email(booking_id))


def _queue_tickets_email(booking_id: int) -> None:
    from bookings.tasks import tickets_email  # the tasks module imports the services

    tickets_email.delay(booking_id)


def _when(starts_at: datetime | None, language: str) -> str:
    """The event's start (already in the marketplace's time zone) as the reader's language
    writes a date and a time (Babel)."""
    if starts_at is None:
        return ""
    return f"{format_date(starts_at, 'full', locale=language)} " + format_time(
        starts_at, "short", locale=language
    )


def tickets_email_send(*, booking_id: int) -> int:
    """Send the buyer one e-mail with every ticket of the booking (QR codes inline); other
    attendees' addresses get it in blind copy. Returns the number of messages sent (0 when
    the booking is no longer issued)."""
    booking = (
        Booking.objects.select_related("listing", "customer")
        .filter(pk=booking_id, state=VALID_STATE)
        .first()
    )
    if booking is None:
        return 0
    attendees = list(booking.attendees.select_related("tier", "booking__listing"))
    marketplace = connection.tenant
    language = language_for(booking.customer, marketplace)
    tickets = []
    for attendee in attendees:
        view = ticket_view_get(attendee=attendee)
        tickets.append(
            {
                "view": view,
                "when": _when(view.starts_at, language),
                "cid": f"ticket-{attendee.code}",
                "url": marketplace.absolute_url(ticket_paths(code=attendee.code)["page"]),
            }
        )
    names = {"listing": booking.listing.title, "number": booking.number}
    context = {
        "booking": booking,
        "tickets": tickets,
        "marketplace_name": marketplace.name,
        "language": language,
        "direction": direction(language),
        "t": ticket_email_texts(language, **names),
    }
    buyer = booking.customer.email
    others = sorted({a.email for a in attendees if a.email and a.email.lower() != buyer.lower()})
    with translation.override(language):  # month and day names of the dates
        text = render_to_string("bookings/tickets/email.txt", context)
        html = render_to_string("bookings/tickets/email.html", context)
    message = EmailMultiAlternatives(
        subject=render_text("tickets_issued", language, **names)[0],
        body=text,
        to=[buyer],
        bcc=others,
    )
    message.attach_alternative(html, "text/html")
    # The HTML part shows each QR image by its Content-ID; mail apps list them as files too.
    message.mixed_subtype = "related"  # type: ignore[attr-defined]  # not in django-stubs
    for ticket in tickets:
        image = MIMEImage(ticket_qr(code=ticket["view"].attendee.code, kind="png", scale=6), "png")
        image.add_header("Content-ID", f"<{ticket['cid']}>")
        image.add_header("Content-Disposition", "inline", filename=f"{ticket['cid']}.png")
        message.attach(image)
    return message.send()
