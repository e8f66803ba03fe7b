"""Reads of disputes: a booking's dispute and its evidence for its parties and staff, and
staff's queue."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from bookings.models import Dispute, DisputeEvidence
from bookings.selectors.bookings import booking_get
from config.errors import InvalidInput, NotFound


def dispute_get(*, viewer, booking_id: int) -> Dispute:
    """The booking's dispute with its evidence, for its parties and staff."""
    booking, _role = booking_get(viewer=viewer, booking_id=booking_id)
    dispute = (
        Dispute.objects.select_related("opened_by", "decided_by")
        .prefetch_related("evidence__author")
        .filter(booking=booking)
        .first()
    )
    if dispute is None:
        raise NotFound(_("This booking has no dispute."), code="dispute_not_found")
    return dispute


def dispute_evidence_get(*, viewer, booking_id: int, evidence_id: int) -> DisputeEvidence:
    """A file of the dispute's evidence, for the booking's parties and staff."""
    booking, _role = booking_get(viewer=viewer, booking_id=booking_id)
    evidence = DisputeEvidence.objects.filter(pk=evidence_id, dispute__booking=booking).first()
    if evidence is None or not evidence.file:
        raise NotFound(_("No such evidence file."), code="evidence_not_found")
    return evidence


def dispute_list(*, viewer, status: str | None = None) -> QuerySet:
    """Staff's queue of disputes, oldest first."""
    require_staff(viewer)
    queryset = Dispute.objects.select_related(
        "booking__listing", "booking__provider", "booking__customer", "opened_by", "decided_by"
    ).annotate(evidence_count=Count("evidence"))
    if status:
        if status not in Dispute.Status.values:
            raise InvalidInput(
                _("Unknown status."),
                code="invalid_filter",
                details={
                    "status": [
                        _("One of %(values)s.") % {"values": ", ".join(Dispute.Status.values)}
                    ]
                },
            )
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "id")
