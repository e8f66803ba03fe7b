"""/staff/money/: refunds of a booking (bookings/api/refunds.py) and payouts to confirm, fail
or cancel (billing/api/payouts.py), through the same selectors and services."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from billing.models import Payout
from billing.selectors.wallet import payout_get, wallet_payouts
from billing.services.payouts import payout_cancel, payout_confirm, payout_fail
from bookings.services.refunds import booking_refund
from config.errors import ServiceError
from themes.pages.common import page_of, page_role_required
from themes.pages.staff.forms import PayoutConfirmForm, PayoutFailForm, RefundForm

OPEN_STATES = (Payout.State.REQUESTED, Payout.State.SENT)
PAGE_SIZE = 50
REFUNDED = "staff_refunded"  # the last refund's outcome, shown once after the redirect


def _page(request, *, refund_form=None, bound=None, status=200, refunded=None):
    state = request.GET.get("state") or "open"
    states = OPEN_STATES if state == "open" else (state,)
    if state != "open" and state not in Payout.State.values:
        raise Http404
    page = page_of(request, wallet_payouts(viewer=request.user).filter(state__in=states), PAGE_SIZE)
    rows = []
    for payout in page.object_list:
        forms = {
            "confirm": PayoutConfirmForm(prefix=f"confirm-{payout.reference}"),
            "fail": PayoutFailForm(prefix=f"fail-{payout.reference}"),
        }
        if bound and bound[0] == payout.reference:
            forms[bound[1]] = bound[2]
        rows.append({"payout": payout, **forms, "open": payout.state in OPEN_STATES})
    context = {
        "staff_section": "money",
        "state": state,
        "states": [("open", None), *Payout.State.choices],
        "rows": rows,
        "page": page,
        "refund_form": refund_form or RefundForm(),
        "refunded": refunded,
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "site/staff/money.html", context, status=status)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def money(request):
    """The payouts to confirm, and the refund form (POST)."""
    if request.method != "POST":
        return _page(request, refunded=request.session.pop(REFUNDED, None))
    form = RefundForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            booking, outcome = booking_refund(
                actor=request.user,
                booking_id=form.cleaned_data["booking_id"],
                amount_minor=form.validated.get("amount_minor"),
                reason=form.validated["reason"],
                idempotency_key=f"{request.user.pk}-{form.cleaned_data['idempotency_key']}",
            )
            request.session[REFUNDED] = {
                "booking": booking.number,
                "amount_minor": outcome.amount.amount_minor,
                "currency": outcome.amount.currency,
                "manual": outcome.manual_refund_required,
            }
            return redirect(reverse("staff-money") + "?saved=1")
        except ServiceError as error:
            if error.status == 404:
                form.add_error("booking_id", error.message)
                status = 404
            else:
                status = form.refuse(error)
    return _page(request, refund_form=form, status=status)


def _payout(request, reference: str) -> Payout:
    try:
        return payout_get(viewer=request.user, reference=reference)
    except ServiceError as error:
        raise Http404 from error


@page_role_required("staff")
@require_POST
def payout_confirm_page(request, reference: str):
    payout = _payout(request, reference)
    form = PayoutConfirmForm(request.POST, prefix=f"confirm-{reference}")
    status = 400
    if form.is_valid():
        try:
            payout_confirm(actor=request.user, payout_id=payout.pk, **form.validated)
            return redirect(reverse("staff-money") + "?saved=1")
        except ServiceError as error:
            status = form.refuse(error)
    return _page(request, bound=(reference, "confirm", form), status=status)


@page_role_required("staff")
@require_POST
def payout_fail_page(request, reference: str):
    payout = _payout(request, reference)
    form = PayoutFailForm(request.POST, prefix=f"fail-{reference}")
    status = 400
    if form.is_valid():
        try:
            payout_fail(actor=request.user, payout_id=payout.pk, **form.validated)
            return redirect(reverse("staff-money") + "?saved=1")
        except ServiceError as error:
            status = form.refuse(error)
    return _page(request, bound=(reference, "fail", form), status=status)


@page_role_required("staff")
@require_POST
def payout_cancel_page(request, reference: str):
    payout = _payout(request, reference)
    try:
        payout_cancel(actor=request.user, payout_id=payout.pk)
    except ServiceError as error:
        form = PayoutConfirmForm(prefix=f"confirm-{reference}")
        form.add_error(None, error.message)
        return _page(request, bound=(reference, "confirm", form), status=error.status)
    return redirect(reverse("staff-money") + "?saved=1")
