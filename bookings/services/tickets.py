"""Event tickets: the holders of a booking, the printable ticket and its QR image, the e-mail
that carries them, check-in at the door and the organiser's sales figures.

A ticket's code (``Attendee.code``, random, made at reservation) is a bearer secret: whoever
holds it may open the ticket page and its QR image, which is how a ticket forwarded by e-mail
works without an account. The QR image encodes the bare code; the organiser's scanner posts
it to the check-in endpoint. A ticket is valid only while its booking is ``issued``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.mime.image import MIMEImage
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from bookings.models import Attendee, Booking
from bookings.notification_texts import (
    DIRECTION,
    language_for,
    render_text,
    ticket_email_texts,
)
from bookings.selectors import TICKETS_SOLD_STATES, ticket_tiers_counted
from bookings.services.transitions import Move, booking_for
from catalog.models import Listing, TicketTier
from config.errors import NotAllowed, NotFound, StateConflict
from tenants.db import connection

VALID_STATE = "issued"
SOLD_STATES = TICKETS_SOLD_STATES
QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}


# --- Codes, QR images and addresses -------------------------------------------------------


def ticket_qr(code: str, *, kind: str = "png", scale: int = 8) -> bytes:
    """The ticket's QR image (PNG or SVG), encoding the bare code."""
    qr = segno.make(code, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True)
    else:
        qr.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def ticket_paths(code: str) -> dict[str, str]:
    """Paths (on the marketplace's host) of the ticket page and its QR images."""
    return {
        "page": reverse("api:ticket-page", kwargs={"code": code}),
        "qr_png": reverse("api:ticket-qr", kwargs={"code": code, "kind": "png"}),
        "qr_svg": reverse("api:ticket-qr", kwargs={"code": code, "kind": "svg"}),
    }


# --- Reads --------------------------------------------------------------------------------


def booking_tickets(*, actor, booking_id: int) -> tuple[Booking, list[Attendee]]:
    """The booking and its tickets; no tickets until it is issued (404 for non-parties)."""
    booking, _ = booking_for(actor, booking_id)
    if booking.state != VALID_STATE:
        return booking, []
    return booking, list(booking.attendees.select_related("tier").order_by("id"))


def ticket_by_code(*, code: str) -> Attendee:
    """A valid ticket by its code, with what its page shows; 404 otherwise."""
    attendee = (
        Attendee.objects.select_related("tier", "booking__listing")
        .filter(code=code, booking__state=VALID_STATE)
        .first()
    )
    if attendee is None:
        raise NotFound(_("No such ticket."), code="ticket_not_found")
    return attendee


@dataclass(frozen=True)
class TicketView:
    """What a ticket page or e-mail shows, in the marketplace's time zone."""

    attendee: Attendee
    marketplace_name: str
    event_title: str
    starts_at: datetime | None
    ends_at: datetime | None
    venue: str
    tier: str
    booking_number: str
    checked_in_at: datetime | None


def ticket_view(attendee: Attendee) -> TicketView:
    listing = attendee.booking.listing
    zone = ZoneInfo(connection.tenant.time_zone)
    checked_in_at = attendee.checked_in_at
    return TicketView(
        attendee=attendee,
        marketplace_name=connection.tenant.name,
        event_title=listing.title,
        starts_at=listing.starts_at.astimezone(zone) if listing.starts_at else None,
        ends_at=listing.ends_at.astimezone(zone) if listing.ends_at else None,
        venue=listing.location_name,
        tier=attendee.tier.name,
        booking_number=attendee.booking.number,
        checked_in_at=checked_in_at.astimezone(zone) if checked_in_at else None,
    )


def _organiser_listing(actor, listing_id: int) -> Listing:
    listing = Listing.objects.select_related("provider").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."), code="listing_not_found")
    if not (is_staff(actor) or listing.provider.user_id == actor.pk):
        raise NotAllowed(_("Only the organiser or staff see an event's figures."))
    return listing


def ticket_metrics(*, actor, listing_id: int) -> dict:
    """Per tier and in total: capacity, held, sold, remaining, revenue, checked in.

    Four queries whatever the number of tiers or bookings. Revenue counts bookings paid for
    (``SOLD_STATES``): the ticket prices (gross), what buyers paid (with fees) and what the
    organiser receives, in minor units of the listing's currency."""
    listing = _organiser_listing(actor, listing_id)
    tiers = list(
        ticket_tiers_counted(TicketTier.objects.filter(listing=listing)).order_by(
            "position", "price_minor"
        )
    )
    sold = Q(state__in=SOLD_STATES)

    def total(field: str, condition: Q):
        return Coalesce(Sum(field, filter=condition), 0)

    figures = {
        row["ticket_tier"]: row
        for row in Booking.objects.filter(listing=listing, ticket_tier__isnull=False)
        .order_by()
        .values("ticket_tier")
        .annotate(
            orders=Count("pk", filter=sold),
            gross_minor=total("price_minor", sold),
            buyer_fees_minor=total("buyer_fee_minor", sold),
            buyer_total_minor=total("buyer_total_minor", sold),
            organiser_payout_minor=total("provider_payout_minor", sold),
        )
    }
    checked_in = dict(
        Attendee.objects.filter(
            tier__listing=listing, booking__state=VALID_STATE, checked_in_at__isnull=False
        )
        .order_by()
        .values("tier")
        .annotate(count=Count("pk"))
        .values_list("tier", "count")
    )
    summed = (
        "capacity",
        "held",
        "sold",
        "remaining",
        "orders",
        "gross_minor",
        "buyer_fees_minor",
        "buyer_total_minor",
        "organiser_payout_minor",
        "checked_in",
    )
    rows = []
    for tier in tiers:
        found: Mapping[str, Any] = figures.get(tier.pk, {})
        rows.append(
            {
                "id": tier.pk,
                "name": tier.name,
                "price_minor": tier.price_minor,
                "capacity": tier.capacity,
                # Held, sold and remaining mean what the listing page shows.
                "held": tier.held_count,  # type: ignore[attr-defined]  # annotated
                "sold": tier.sold_count,  # type: ignore[attr-defined]  # annotated
                "remaining": tier.remaining,
                "orders": found.get("orders", 0),
                "gross_minor": found.get("gross_minor", 0),
                "buyer_fees_minor": found.get("buyer_fees_minor", 0),
                "buyer_total_minor": found.get("buyer_total_minor", 0),
                "organiser_payout_minor": found.get("organiser_payout_minor", 0),
                "checked_in": checked_in.get(tier.pk, 0),
            }
        )
    totals = {name: sum(row[name] for row in rows) for name in summed}
    return {
        "listing_id": listing.pk,
        "currency": listing.currency,
        "tiers": rows,
        "totals": totals,
    }


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
    tickets = [
        {
            "view": ticket_view(attendee),
            "cid": f"ticket-{attendee.code}",
            "url": marketplace.absolute_url(ticket_paths(attendee.code)["page"]),
        }
        for attendee in attendees
    ]
    language = language_for(booking.customer, marketplace)
    names = {"listing": booking.listing.title, "number": booking.number}
    context = {
        "booking": booking,
        "tickets": tickets,
        "marketplace_name": marketplace.name,
        "language": language,
        "direction": DIRECTION.get(language, "ltr"),
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
        image = MIMEImage(ticket_qr(ticket["view"].attendee.code, kind="png", scale=6), "png")
        image.add_header("Content-ID", f"<{ticket['cid']}>")
        image.add_header("Content-Disposition", "inline", filename=f"{ticket['cid']}.png")
        message.attach(image)
    return message.send()
