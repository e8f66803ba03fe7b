"""Disputes: either party opens one on a paid booking within a window, both sides and staff add
evidence, staff decide (release to the provider, partial or full refund).

Opening takes the process's ``dispute`` step and deciding its ``resolve`` step, each in the
transaction that writes the Dispute row, under the booking's row lock (booking, then dispute).
The money part of a decision belongs to billing:
``billing.services.refunds.dispute_decision_apply`` is called after the commit with the amount
to give back, and releases the rest to the provider.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.services import refunds
from bookings import files
from bookings.files import CheckedFile
from bookings.models import Actor, Booking, BookingEvent, Dispute, DisputeEvidence
from bookings.processes import get_process
from bookings.selectors.bookings import booking_get
from bookings.services.steps import STEPS
from bookings.services.transitions import apply_transition, on_commit_in_tenant
from config.errors import InvalidInput, NotAllowed, NotFound, StateConflict

DEFAULT_DISPUTE_WINDOW_DAYS = 14
# Steps after which the window counts from the step instead of from the payment.
WINDOW_RESTARTING_STEPS = tuple(s.name for s in STEPS.values() if s.restarts_dispute_window)
MAX_REASON = 4000
MAX_EVIDENCE_TEXT = 4000
MAX_NOTE = 4000
EVIDENCE_KINDS = (files.IMAGE, files.PDF)
ACCEPTED_FILES = ["image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"]

Resolution = Dispute.Resolution


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(
            _("%(field)s is required.") % {"field": field.title()},
            details={field: [_("Required.")]},
        )
    if len(text) > limit:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": limit},
            details={field: [_("At most %(limit)s characters.") % {"limit": limit}]},
        )
    return text


def window_opened_at(booking: Booking) -> datetime | None:
    """Whence the dispute window counts: the latest delivery or completion, else the payment."""
    step = (
        BookingEvent.objects.filter(booking=booking, transition__in=WINDOW_RESTARTING_STEPS)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return step or booking.paid_at


def dispute_open(*, actor, booking_id: int, reason: str, now: datetime | None = None) -> Dispute:
    """Open the dispute of a paid booking as its customer or provider and take its ``dispute``
    step. 409 ``already_disputed``, ``not_disputable``, ``wrong_state``, ``not_paid``,
    ``dispute_window_closed``; 403 ``wrong_actor``."""
    reason = _text(reason, "reason", MAX_REASON, required=True)
    now = now or timezone.now()
    with transaction.atomic():
        booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
        move = get_process(booking.process).transitions.get("dispute")
        if move is None:
            raise StateConflict(_("This kind of booking has no disputes."), code="not_disputable")
        if Dispute.objects.filter(booking=booking).exists():
            raise StateConflict(_("This booking is already disputed."), code="already_disputed")
        if role not in move.actors:
            raise NotAllowed(
                _("Only the customer or the provider opens a dispute."), code="wrong_actor"
            )
        if booking.state not in move.sources:
            raise StateConflict(
                _("A booking that is %(state)s cannot be disputed.")
                % {"state": booking.state.replace("_", " ")},
                code="wrong_state",
                details={"state": booking.state},
            )
        opened_at = window_opened_at(booking)
        if opened_at is None or booking.paid_minor <= 0:
            raise StateConflict(_("Only a paid booking can be disputed."), code="not_paid")
        days = int(
            booking.listing.listing_type.config.get(
                "dispute_window_days", DEFAULT_DISPUTE_WINDOW_DAYS
            )
        )
        closes_at = opened_at + timedelta(days=days)
        if now > closes_at:
            raise StateConflict(
                _("Disputes are opened within %(days)s days.") % {"days": days},
                code="dispute_window_closed",
                details={"closed_at": closes_at},
            )
        try:
            with transaction.atomic():
                dispute = Dispute.objects.create(
                    booking=booking,
                    opened_by=actor,
                    opened_by_side=role,
                    from_state=booking.state,
                    reason=reason,
                )
        except IntegrityError as exc:
            raise StateConflict(
                _("This booking is already disputed."), code="already_disputed"
            ) from exc
        apply_transition(
            booking,
            name="dispute",
            role=role,
            actor=actor,
            now=now,
            record={"dispute_id": dispute.pk, "reason": reason[:1000]},
        )
    return dispute


# --- Evidence -------------------------------------------------------------------------------


class _EvidenceRefusals:
    def unsupported(self) -> InvalidInput:
        return InvalidInput(
            _("Evidence files are images (JPEG, PNG, WebP, GIF) or PDF documents."),
            code="unsupported_file",
            details={"accepted": ACCEPTED_FILES},
        )

    def too_large(self, limit: int) -> InvalidInput:
        return InvalidInput(
            _("This file is larger than the limit."),
            code="file_too_large",
            details={"max_bytes": limit},
        )

    def damaged(self, kind: str, reason: str) -> InvalidInput:
        # Only a PDF gets here: images are judged (and refused) by the catalog's checks.
        return InvalidInput(_("This PDF is damaged or incomplete."), code="corrupt_file")


def evidence_file_check(upload) -> CheckedFile:
    """An evidence upload judged by its bytes: images from their headers by the catalog's
    checks and rewritten without metadata (never decoded here), PDFs by their header and
    trailer. 400
    ``unsupported_file``, ``file_too_large``, ``corrupt_*``."""
    return files.file_check(
        upload,
        kinds=EVIDENCE_KINDS,
        # A document gets the image limit: evidence is a scan or a statement, not a video.
        max_bytes=settings.SOUK_MAX_IMAGE_BYTES,
        refusals=_EvidenceRefusals(),
        strip_image_metadata=True,
    )


def _open_dispute_of(booking: Booking) -> Dispute:
    dispute = Dispute.objects.select_for_update().filter(booking=booking).first()
    if dispute is None:
        raise NotFound(_("This booking has no dispute."), code="dispute_not_found")
    return dispute


def dispute_evidence_add(*, actor, booking_id: int, text: str = "", upload=None) -> DisputeEvidence:
    """Add a party's or staff's evidence (text and/or one file) to an open dispute.

    The file is checked before anything is written and removed again if the row is not."""
    text = _text(text, "text", MAX_EVIDENCE_TEXT, required=False)
    if not text and upload is None:
        raise InvalidInput(
            _("Send a text, a file or both."),
            code="evidence_empty",
            details={
                "text": [_("Required without a file.")],
                "file": [_("Required without text.")],
            },
        )
    # 404 for strangers before reading any file.
    booking, _role = booking_get(viewer=actor, booking_id=booking_id)
    checked = evidence_file_check(upload) if upload is not None else None
    with files.removed_on_failure([checked]), transaction.atomic():
        dispute = _open_dispute_of(booking)
        if dispute.status != Dispute.Status.OPEN:
            raise StateConflict(_("This dispute has been decided."), code="dispute_closed")
        evidence = DisputeEvidence(dispute=dispute, author=actor, text=text)
        if checked is not None:
            files.file_store(evidence.file, checked)
            evidence.file_name = checked.name
            evidence.file_size, evidence.file_type = checked.size, checked.content_type
        evidence.save()
    return evidence


# --- Decision -------------------------------------------------------------------------------


def _refund_for(resolution: str, refund_minor: int | None, paid_minor: int) -> int:
    if resolution not in Resolution.values:
        raise InvalidInput(
            _("Unknown resolution."),
            details={
                "resolution": [_("One of %(values)s.") % {"values": ", ".join(Resolution.values)}]
            },
        )
    if resolution != Resolution.PARTIAL_REFUND:
        if refund_minor is not None:
            raise InvalidInput(
                _("Only a partial refund names an amount."),
                code="invalid_refund",
                details={"refund_minor": [_("Only with partial_refund.")]},
            )
        return paid_minor if resolution == Resolution.FULL_REFUND else 0
    if (
        isinstance(refund_minor, bool)
        or not isinstance(refund_minor, int)
        or not 0 < refund_minor < paid_minor
    ):
        raise InvalidInput(
            _("A partial refund is more than nothing and less than what was paid."),
            code="invalid_refund",
            details={"refund_minor": [_("Between 1 and %(most)s.") % {"most": paid_minor - 1}]},
        )
    return refund_minor


def dispute_resolve(
    *,
    actor,
    booking_id: int,
    resolution: str,
    refund_minor: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Dispute:
    """Staff decide the dispute: record it, take the booking's ``resolve`` step, and hand the
    refund (0 for a release, all that was paid for a full refund) to billing after commit."""
    note = _text(note, "note", MAX_NOTE, required=False)
    now = now or timezone.now()
    with transaction.atomic():
        booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
        if role != Actor.STAFF:
            raise NotAllowed(_("Only staff decide a dispute."), code="wrong_actor")
        dispute = _open_dispute_of(booking)
        if dispute.status != Dispute.Status.OPEN:
            raise StateConflict(_("This dispute has been decided."), code="dispute_closed")
        refund = _refund_for(resolution, refund_minor, booking.paid_minor)
        dispute.status, dispute.resolution, dispute.refund_minor = (
            Dispute.Status.RESOLVED,
            resolution,
            refund,
        )
        dispute.decision_note, dispute.decided_by, dispute.decided_at = note, actor, now
        dispute.save(
            update_fields=[
                "status",
                "resolution",
                "refund_minor",
                "decision_note",
                "decided_by",
                "decided_at",
            ]
        )
        apply_transition(
            booking,
            name="resolve",
            role=Actor.STAFF,
            actor=actor,
            now=now,
            record={
                "dispute_id": dispute.pk,
                "resolution": resolution,
                "refund_minor": refund,
                "paid_minor": booking.paid_minor,
                "note": note[:1000],
            },
        )
        decision: dict[str, Any] = {
            "booking_id": booking.pk,
            "refund_minor": refund,
            "currency": booking.currency,
            "reference": f"dispute-{dispute.pk}",
        }
        on_commit_in_tenant(lambda: refunds.dispute_decision_apply(**decision))
    return dispute
