"""Reads of event tickets: a tier's figures, a booking's tickets, a ticket by its code and
what its page shows, its QR image and addresses, and the organiser's sales figures.

A ticket's code (``Attendee.code``) is a bearer secret: whoever holds it may open the ticket
page and its QR image. The QR image encodes the bare code. A ticket is valid only while its
booking is ``issued``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from bookings.models import Attendee, Booking, TicketLine
from bookings.selectors.bookings import booking_get
from catalog.models import Listing, TicketTier
from config.errors import NotAllowed, NotFound
from tenants.db import connection

VALID_STATE = "issued"
# A ticket booking has sold its seats once paid for ("paid" is only passed through on the way
# to "issued", and counts all the same); before that (reserved) it holds them.
SOLD_STATES = ("paid", "issued")
QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}


def ticket_tiers_counted(queryset: QuerySet[TicketTier]) -> QuerySet[TicketTier]:
    """The one definition of a tier's figures, for the listing page and the organiser's alike.

    ``TicketTier.sold`` is the counter of seats *taken* (held or sold), raised when a booking
    reserves and lowered when it is released; the capacity CHECK guards it. Each tier gets
    ``sold_count`` (seats of bookings paid for) and ``held_count`` (taken, not yet paid), so
    that held + sold + remaining (``TicketTier.remaining``) is the capacity."""
    sold = Coalesce(Sum("lines__quantity", filter=Q(lines__booking__state__in=SOLD_STATES)), 0)
    return queryset.annotate(sold_count=sold).annotate(held_count=F("sold") - F("sold_count"))


def ticket_qr(*, code: str, kind: str = "png", scale: int = 8) -> bytes:
    """The ticket's QR image (PNG or SVG), encoding the bare code."""
    qr = segno.make(code, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True)
    else:
        qr.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def ticket_paths(*, code: str) -> dict[str, str]:
    """Paths (on the marketplace's host) of the ticket page, its QR images and its PDF."""
    return {
        "page": reverse("api:ticket-page", kwargs={"code": code}),
        "pdf": reverse("api:ticket-pdf", kwargs={"code": code}),
        "qr_png": reverse("api:ticket-qr", kwargs={"code": code, "kind": "png"}),
        "qr_svg": reverse("api:ticket-qr", kwargs={"code": code, "kind": "svg"}),
    }


def ticket_list_of_booking(*, viewer, booking_id: int) -> tuple[Booking, list[Attendee]]:
    """The booking and its tickets; no tickets until it is issued (404 for non-parties)."""
    booking, _role = booking_get(viewer=viewer, booking_id=booking_id)
    if booking.state != VALID_STATE:
        return booking, []
    return booking, list(booking.attendees.select_related("tier").order_by("id"))


def ticket_get(*, code: str) -> Attendee:
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


def ticket_view_get(*, attendee: Attendee) -> TicketView:
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


def _organiser_listing(viewer, listing_id: int) -> Listing:
    listing = Listing.objects.select_related("provider").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."), code="listing_not_found")
    if not (is_staff(viewer) or listing.provider.user_id == viewer.pk):
        raise NotAllowed(_("Only the organiser or staff see an event's figures."))
    return listing


def ticket_metrics_get(*, viewer, listing_id: int) -> dict:
    """Per tier and in total: capacity, held, sold, remaining, revenue, checked in.

    Five queries whatever the number of tiers or bookings. Revenue counts bookings paid for
    (``SOLD_STATES``): the ticket prices (gross), what buyers paid (with fees) and what the
    organiser receives, in minor units of the listing's currency; a tier's share of an order
    of several tiers is its line's (``TicketLine``), so the tiers sum to the orders."""
    listing = _organiser_listing(viewer, listing_id)
    tiers = list(
        ticket_tiers_counted(TicketTier.objects.filter(listing=listing)).order_by(
            "position", "price_minor"
        )
    )

    def total(field: str):
        return Coalesce(Sum(field), 0)

    lines = TicketLine.objects.filter(tier__listing=listing, booking__state__in=SOLD_STATES)
    figures = {
        row["tier"]: row
        for row in lines.order_by()
        .values("tier")
        .annotate(
            orders=Count("booking", distinct=True),
            gross_minor=total("price_minor"),
            buyer_fees_minor=total("buyer_fee_minor"),
            organiser_payout_minor=total("provider_payout_minor"),
        )
    }
    # An order of several tiers counts once in the total.
    orders = lines.order_by().aggregate(orders=Count("booking", distinct=True))["orders"]
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
                "buyer_total_minor": found.get("gross_minor", 0) + found.get("buyer_fees_minor", 0),
                "organiser_payout_minor": found.get("organiser_payout_minor", 0),
                "checked_in": checked_in.get(tier.pk, 0),
            }
        )
    totals = {name: sum(row[name] for row in rows) for name in summed}
    totals["orders"] = orders
    return {
        "listing_id": listing.pk,
        "currency": listing.currency,
        "tiers": rows,
        "totals": totals,
    }
