"""/staff/badges/, /staff/review-reports/ and /staff/disputes/: verification badges granted
and revoked (catalog/api/providers.py), reported reviews and appeals decided
(bookings/api/reviews.py), disputes decided (bookings/api/disputes.py) — the same selectors
and services as those endpoints."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bookings.models import ReviewReport
from bookings.selectors.disputes import dispute_get, dispute_list
from bookings.selectors.reviews import review_report_list
from bookings.services.disputes import dispute_resolve
from bookings.services.reviews import review_report_decide, review_report_decide_appeal
from catalog.api.providers import BadgeSerializer
from catalog.api.search_params import ProviderSearchQuerySerializer
from catalog.models import Badge
from catalog.selectors.search import provider_search
from catalog.services.profiles import provider_badge_grant, provider_badge_revoke
from config.errors import InvalidInput, ServiceError
from themes.pages.common import page_of, page_role_required
from themes.pages.staff.forms import AppealDecisionForm, DisputeResolveForm, ReportDecisionForm

QUEUE_SIZE = 50


def _badges_url(q: str, **extra) -> str:
    query = {key: value for key, value in {"q": q, **extra}.items() if value}
    return reverse("staff-badges") + ("?" + urlencode(query) if query else "")


@page_role_required("staff")
@require_http_methods(["GET", "HEAD"])
def badges(request):
    """Providers found by the public provider search (the API's serializer and selector)."""
    q = request.GET.get("q", "").strip()
    query = QueryDict(mutable=True)
    if q:
        query["q"] = q
    message, page = "", None
    try:
        params = ProviderSearchQuerySerializer.search_params(query)
        page = provider_search(
            params=dataclasses.replace(params, facets=False), viewer=request.user
        )
    except InvalidInput as error:
        message = " ".join(str(m) for found in error.details.values() for m in found) or (
            error.message
        )
    context = {
        "staff_section": "badges",
        "q": q,
        "message": message,
        "providers": page.items if page else [],
        "badge_choices": Badge.choices,
        "saved": request.GET.get("saved") == "1",
        "refused": request.GET.get("refused", ""),
    }
    return render(request, "site/staff/badges.html", context, status=400 if message else 200)


@page_role_required("staff")
@require_POST
def badge_change(request, provider_id: int):
    """Grant (``action=grant``) or revoke a badge, then back to the same search."""
    q = request.POST.get("q", "")[:200]
    serializer = BadgeSerializer(data={"badge": request.POST.get("badge", "")})
    action = request.POST.get("action")
    if not serializer.is_valid() or action not in ("grant", "revoke"):
        return redirect(_badges_url(q, refused="badge"))
    change = provider_badge_grant if action == "grant" else provider_badge_revoke
    try:
        change(
            actor=request.user, provider_id=provider_id, badge=serializer.validated_data["badge"]
        )
    except ServiceError as error:
        if error.status == 404:
            raise Http404 from error
        raise
    return redirect(_badges_url(q, saved="1"))


@page_role_required("staff")
@require_http_methods(["GET", "HEAD"])
def review_reports(request):
    status_filter = request.GET.get("status") or ReviewReport.Status.OPEN
    if status_filter not in ReviewReport.Status.values:
        raise Http404
    page = page_of(request, review_report_list(viewer=request.user, status=status_filter),
                   QUEUE_SIZE)  # fmt: skip
    context = {
        "staff_section": "review-reports",
        "status": status_filter,
        "statuses": ReviewReport.Status.choices,
        "reports": page.object_list,
        "page": page,
    }
    return render(request, "site/staff/review_reports.html", context)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def review_report(request, report_id: int):
    # The staff's queue (review_report_list checks the viewer) holds every report.
    report = review_report_list(viewer=request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    appeal = report.status == ReviewReport.Status.APPEALED
    form_class = AppealDecisionForm if appeal else ReportDecisionForm
    decide = review_report_decide_appeal if appeal else review_report_decide
    status = 200
    form = form_class(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                decide(actor=request.user, report_id=report_id, **form.validated)
                return redirect(reverse("staff-review-reports") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    decidable = report.status in (ReviewReport.Status.OPEN, ReviewReport.Status.APPEALED)
    context = {
        "staff_section": "review-reports",
        "report": report,
        "form": form if decidable else None,
        "appeal": appeal,
    }
    return render(request, "site/staff/review_report.html", context, status=status)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD"])
def disputes(request):
    from bookings.models import Dispute

    status_filter = request.GET.get("status") or Dispute.Status.OPEN
    if status_filter not in Dispute.Status.values:
        raise Http404
    page = page_of(request, dispute_list(viewer=request.user, status=status_filter), QUEUE_SIZE)
    context = {
        "staff_section": "disputes",
        "status": status_filter,
        "statuses": Dispute.Status.choices,
        "disputes": page.object_list,
        "page": page,
    }
    return render(request, "site/staff/disputes.html", context)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def dispute(request, booking_id: int):
    from bookings.models import Dispute

    try:
        found = dispute_get(viewer=request.user, booking_id=booking_id)
    except ServiceError as error:
        if error.status == 404:
            raise Http404 from error
        raise
    status = 200
    form = DisputeResolveForm(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dispute_resolve(actor=request.user, booking_id=booking_id, **form.validated)
                return redirect(reverse("staff-disputes") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    context = {
        "staff_section": "disputes",
        "dispute": found,
        "booking": found.booking,
        "evidence": list(found.evidence.all()),
        "form": form if found.status == Dispute.Status.OPEN else None,
    }
    return render(request, "site/staff/dispute.html", context, status=status)
