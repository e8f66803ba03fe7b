"""Reviews: one per side of a completed booking, reported by users and decided by staff.

A customer's review rates the provider and feeds the provider's rating aggregates
(``ProviderProfile.rating_count / rating_sum / rating_avg``); a provider's review rates the
customer and feeds nothing public. Aggregates are recounted from the published customer-side
reviews under the profile's row lock, in the transaction that changed a review, so concurrent
writes for one provider serialise on that row and the figures never drift.

Lock order, everywhere in this module: booking, then report, then review, then profile.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from bookings.models import (
    Actor,
    Booking,
    BookingEvent,
    LiveSession,
    Review,
    ReviewReport,
    ReviewReportEvent,
)
from bookings.processes import get_process
from bookings.selectors.bookings import booking_get
from bookings.selectors.reviews import CENT, SUB_RATINGS
from bookings.services.transitions import apply_transition
from catalog.models import ProviderProfile
from config.errors import InvalidInput, NotAllowed, NotFound, StateConflict

# Days after completion in which reviews are written, unless the listing type's config sets
# ``review_window_days`` (0 or null there: no window).
DEFAULT_REVIEW_WINDOW_DAYS = 30
MAX_REVIEW_TEXT = 5000
MAX_REASON = 2000
MAX_NOTE = 4000

Status = ReviewReport.Status


def _rating(value, field: str, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(
            _("Ratings are whole numbers from 1 to 5."),
            code="invalid_rating",
            details={field: [_("A whole number from 1 to 5.")]},
        )
    return value


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


def completed_at(booking: Booking) -> datetime:
    """When the booking was fulfilled; 409 ``not_completed`` when it has not been."""
    states = get_process(booking.process).reviewable
    if booking.state not in states:
        raise StateConflict(
            _("A booking is reviewed once it is completed."),
            code="not_completed",
            details={"state": booking.state},
        )
    if booking.process == "metered_session":
        session = LiveSession.objects.filter(booking=booking).first()
        # A session that never billed a minute was no reading to review.
        if session is None or session.billed_minutes <= 0 or session.ended_at is None:
            raise StateConflict(
                _("Only a session that billed at least a minute can be reviewed."),
                code="not_completed",
                details={"state": booking.state},
            )
        return session.ended_at
    event = (
        BookingEvent.objects.filter(booking=booking, to_state=states[0])
        .order_by("-created_at", "-id")
        .first()
    )
    return event.created_at if event else booking.state_entered_at


def provider_rating_refresh(*, provider_id: int) -> ProviderProfile:
    """Recount the provider's rating from its published customer-side reviews, under the
    profile's row lock. Call inside the transaction that changed a review."""
    profile = ProviderProfile.objects.select_for_update(of=("self",)).get(pk=provider_id)
    totals = Review.objects.filter(
        provider_id=provider_id, side=Review.Side.CUSTOMER, status=Review.Status.PUBLISHED
    ).aggregate(count=Count("id"), total=Sum("rating"))
    count, total = totals["count"], totals["total"] or 0
    average = (Decimal(total) / count).quantize(CENT, ROUND_HALF_UP) if count else Decimal("0.00")
    profile.rating_count, profile.rating_sum, profile.rating_avg = count, total, average
    profile.save(update_fields=["rating_count", "rating_sum", "rating_avg"])
    return profile


def review_create(
    *,
    actor,
    booking_id: int,
    rating: int,
    professionalism: int | None = None,
    communication: int | None = None,
    value: int | None = None,
    text: str = "",
    now: datetime | None = None,
) -> Review:
    """The actor's review of the other side of a completed booking: the customer rates the
    provider, the provider the customer. A date booking's customer review also takes its
    ``review`` step. 409 ``not_completed``, ``review_window_closed``, ``already_reviewed``."""
    scores = {
        "rating": _rating(rating, "rating", required=True),
        **{
            name: _rating(v, name, required=False)
            for name, v in zip(SUB_RATINGS, (professionalism, communication, value), strict=True)
        },
    }
    text = _text(text, "text", MAX_REVIEW_TEXT, required=False)
    now = now or timezone.now()
    with transaction.atomic():
        booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
        if role not in (Actor.CUSTOMER, Actor.PROVIDER):
            raise NotAllowed(
                _("Only the customer and the provider review a booking."), code="wrong_actor"
            )
        done_at = completed_at(booking)
        days = booking.listing.listing_type.config.get(
            "review_window_days", DEFAULT_REVIEW_WINDOW_DAYS
        )
        if days and now > done_at + timedelta(days=int(days)):
            raise StateConflict(
                _("Reviews are written within %(days)s days of completion.") % {"days": days},
                code="review_window_closed",
                details={"closed_at": done_at + timedelta(days=int(days))},
            )
        if Review.objects.filter(booking=booking, side=role).exists():
            raise StateConflict(
                _("You have already reviewed this booking."), code="already_reviewed"
            )
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    booking=booking,
                    side=role,
                    author=actor,
                    provider_id=booking.provider_id,
                    text=text,
                    **scores,
                )
        except IntegrityError as exc:
            if "review_one_per_side" in str(exc):
                raise StateConflict(
                    _("You have already reviewed this booking."), code="already_reviewed"
                ) from exc
            raise
        if role == Actor.CUSTOMER:
            provider_rating_refresh(provider_id=booking.provider_id)
            process = get_process(booking.process)
            if process.can(state=booking.state, transition="review", actor=Actor.SYSTEM):
                apply_transition(
                    booking,
                    name="review",
                    role=Actor.SYSTEM,
                    now=now,
                    record={"review_id": review.pk, "rating": review.rating},
                )
    return review


# --- Report and appeal ----------------------------------------------------------------------


def review_report_create(*, actor, review_id: int, reason: str) -> ReviewReport:
    """Report a published review to staff; once per reporter (409 ``already_reported``)."""
    reason = _text(reason, "reason", MAX_REASON, required=True)
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise NotFound(_("No such review."), code="review_not_found")
        if review.author_id == actor.pk:
            raise NotAllowed(_("You cannot report your own review."), code="own_review")
        if review.status != Review.Status.PUBLISHED:
            raise StateConflict(_("This review has been removed."), code="wrong_state")
        if ReviewReport.objects.filter(review=review, reporter=actor).exists():
            raise StateConflict(
                _("You have already reported this review."), code="already_reported"
            )
        try:
            with transaction.atomic():
                report = ReviewReport.objects.create(review=review, reporter=actor, reason=reason)
        except IntegrityError as exc:
            if "review_report_once_per_reporter" in str(exc):
                raise StateConflict(
                    _("You have already reported this review."), code="already_reported"
                ) from exc
            raise
        _record(report, ReviewReportEvent.Action.REPORTED, "", actor, reason)
    return report


def _record(report: ReviewReport, action: str, from_status: str, actor, note: str = "") -> None:
    ReviewReportEvent.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        actor=actor,
        note=note,
    )


def _locked_report(report_id: int) -> ReviewReport:
    report = ReviewReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."), code="report_not_found")
    return report


def _expect(report: ReviewReport, status: str) -> None:
    if report.status != status:
        raise StateConflict(
            _("This report is %(status)s.") % {"status": report.get_status_display().lower()},
            code="wrong_state",
            details={"status": report.status},
        )


def _set_review_status(review_id: int, status: str) -> Review:
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.status != status:
        review.status = status
        review.save(update_fields=["status"])
        if review.side == Review.Side.CUSTOMER:
            provider_rating_refresh(provider_id=review.provider_id)
    return review


def review_report_decide(*, actor, report_id: int, decision: str, note: str = "") -> ReviewReport:
    """Staff decide an open report: ``uphold`` removes the review, ``dismiss`` keeps it."""
    require_staff(actor)
    if decision not in ("uphold", "dismiss"):
        raise InvalidInput(
            _("decision is uphold or dismiss."), details={"decision": [_("uphold or dismiss.")]}
        )
    note = _text(note, "note", MAX_NOTE, required=False)
    with transaction.atomic():
        report = _locked_report(report_id)
        _expect(report, Status.OPEN)
        if decision == "uphold":
            _set_review_status(report.review_id, Review.Status.REMOVED)
        report.status = Status.UPHELD if decision == "uphold" else Status.DISMISSED
        report.decision_note, report.decided_by, report.decided_at = note, actor, timezone.now()
        report.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        _record(report, ReviewReportEvent.Action.DECIDED, Status.OPEN, actor, note)
    return report


def review_report_appeal(*, actor, report_id: int, text: str) -> ReviewReport:
    """The removed review's author appeals the upheld report, once."""
    text = _text(text, "text", MAX_NOTE, required=True)
    with transaction.atomic():
        report = _locked_report(report_id)
        author_id = Review.objects.filter(pk=report.review_id).values_list("author_id", flat=True)
        if actor.pk != author_id.get():
            raise NotAllowed(_("Only the review's author may appeal."), code="wrong_actor")
        _expect(report, Status.UPHELD)
        report.status, report.appeal_text, report.appealed_at = (
            Status.APPEALED,
            text,
            timezone.now(),
        )
        report.save(update_fields=["status", "appeal_text", "appealed_at"])
        _record(report, ReviewReportEvent.Action.APPEALED, Status.UPHELD, actor, text)
    return report


def review_report_decide_appeal(
    *, actor, report_id: int, decision: str, note: str = ""
) -> ReviewReport:
    """Staff decide an appeal: ``reinstate`` publishes the review again, ``reject`` does not."""
    require_staff(actor)
    if decision not in ("reinstate", "reject"):
        raise InvalidInput(
            _("decision is reinstate or reject."), details={"decision": [_("reinstate or reject.")]}
        )
    note = _text(note, "note", MAX_NOTE, required=False)
    with transaction.atomic():
        report = _locked_report(report_id)
        _expect(report, Status.APPEALED)
        if decision == "reinstate":
            _set_review_status(report.review_id, Review.Status.PUBLISHED)
        report.status = Status.REINSTATED if decision == "reinstate" else Status.APPEAL_REJECTED
        # One note column: the first decision's note stays, the appeal's follows it.
        if note:
            report.decision_note = "\n\n".join(
                part for part in (report.decision_note, f"Appeal: {note}") if part
            )
        # The report shows its latest decision; each decision keeps its own event row.
        report.decided_by, report.decided_at = actor, timezone.now()
        report.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        _record(report, ReviewReportEvent.Action.APPEAL_DECIDED, Status.APPEALED, actor, note)
    return report
