"""Reads of reviews: a provider's published reviews with their summary, a booking's reviews
for its parties, and staff's queue of reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from bookings.models import Review, ReviewReport
from bookings.selectors.bookings import booking_get
from catalog.models import ProviderProfile
from config.errors import InvalidInput, NotFound

SUB_RATINGS = ("professionalism", "communication", "value")
CENT = Decimal("0.01")
REVIEW_JOINS = ("author", "booking__listing", "provider")


def review_get(*, review_id: int) -> Review:
    """A review with what its shape shows, by id: for showing what a service just wrote (the
    service checked who may)."""
    return Review.objects.select_related("author", "booking__listing").get(pk=review_id)


def review_report_get(*, report_id: int) -> ReviewReport:
    """A report with what its shape shows, by id: for showing what a service just wrote (the
    service checked who may)."""
    return ReviewReport.objects.select_related(
        "review__author", "review__booking__listing", "reporter"
    ).get(pk=report_id)


def review_list_of_provider(*, provider: ProviderProfile | int) -> tuple[QuerySet, dict]:
    """A provider's published customer reviews, newest first, and their summary (count and
    the averages of the rating and of each sub-rating). Given an id, 404 for an unknown
    provider; given the profile (a page has it already), no read."""
    if isinstance(provider, ProviderProfile):
        provider_id = provider.pk
    elif ProviderProfile.objects.filter(pk=provider).exists():
        provider_id = provider
    else:
        raise NotFound(_("No such provider."))
    reviews = Review.objects.filter(
        provider_id=provider_id, side=Review.Side.CUSTOMER, status=Review.Status.PUBLISHED
    )
    figures = reviews.aggregate(
        count=Count("id"),
        rating=Avg("rating"),
        **{name: Avg(name) for name in SUB_RATINGS},
    )
    summary = {"count": figures.pop("count")} | {
        name: None if average is None else Decimal(average).quantize(CENT, ROUND_HALF_UP)
        for name, average in figures.items()
    }
    feed = reviews.select_related(*REVIEW_JOINS).order_by("-created_at", "-id")
    return feed, summary


def review_list_of_booking(*, viewer, booking_id: int) -> QuerySet:
    """The reviews of a booking, for its parties and staff (removed ones included)."""
    booking, _role = booking_get(viewer=viewer, booking_id=booking_id)
    return (
        Review.objects.filter(booking=booking).select_related(*REVIEW_JOINS).order_by("side", "id")
    )


def review_list_of_author(*, viewer) -> QuerySet:
    """The reviews the viewer wrote (removed ones included), newest first."""
    return (
        Review.objects.filter(author=viewer)
        .select_related(*REVIEW_JOINS)
        .order_by("-created_at", "-id")
    )


def review_report_list(*, viewer, status: str | None = None) -> QuerySet:
    """Staff's queue of review reports, oldest first."""
    require_staff(viewer)
    queryset = ReviewReport.objects.select_related(
        "review__author", "review__booking__listing", "review__provider", "reporter", "decided_by"
    )
    if status:
        statuses = ReviewReport.Status.values
        if status not in statuses:
            raise InvalidInput(
                _("Unknown status."),
                code="invalid_filter",
                details={"status": [_("One of %(values)s.") % {"values": ", ".join(statuses)}]},
            )
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "id")
