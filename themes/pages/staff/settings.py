"""/staff/fees/ and /staff/providers/: the marketplace's fee policy (set by the operator, shown)
with the limits its staff set (api.views' PATCH /marketplace/), and its payment provider
accounts (billing/api/providers.py): environment, on or off, credentials in and never out."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from babel.numbers import format_percent
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from billing.selectors.providers import provider_account_list
from billing.services.providers import provider_account_configure
from bookings.services.limits import LimitChanges, marketplace_limits_update
from config.errors import ServiceError
from tenants.models import Marketplace
from themes.pages.common import page_role_required
from themes.pages.staff.forms import LimitsForm, ProviderForm

FEES = ("commission_bps", "buyer_fee_bps", "deposit_bps")


def _percent(bps: int) -> str:
    locale = (translation.get_language() or "en").replace("-", "_")
    return format_percent(Decimal(bps) / Decimal(10_000), "#,##0.##%", locale=locale)


def _marketplace(request) -> Marketplace:
    # The row as saved, not the routing cache's copy (which is cleared only after a commit).
    return Marketplace.objects.get(pk=request.tenant.pk)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def fees(request):
    marketplace = _marketplace(request)
    status = 200
    if request.method == "POST":
        form = LimitsForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                marketplace_limits_update(
                    actor=request.user, changes=cast(LimitChanges, form.validated)
                )
                return redirect(reverse("staff-fees") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    else:
        form = LimitsForm(initial={name: getattr(marketplace, name) for name in LimitsForm.LABELS})
    context = {
        "staff_section": "fees",
        "marketplace_row": marketplace,
        "percentages": {name: _percent(getattr(marketplace, name)) for name in FEES},
        "form": form,
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "site/staff/fees.html", context, status=status)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD"])
def providers(request):
    context = {"staff_section": "providers", "choices": provider_account_list()}
    return render(request, "site/staff/providers.html", context)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def provider(request, code: str):
    choice = next((c for c in provider_account_list() if c.code == code), None)
    if choice is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ProviderForm(request.POST, choice=choice)
        status = 400
        if form.is_valid():
            try:
                provider_account_configure(code=code, **form.validated)
                return redirect(reverse("staff-providers") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    else:
        environment = choice.environment or (choice.environments or [""])[0]
        form = ProviderForm(
            choice=choice,
            initial={
                "environment": environment,
                "enabled": choice.enabled if choice.configured else True,
            },
        )
    context = {"staff_section": "providers", "choice": choice, "form": form}
    return render(request, "site/staff/provider.html", context, status=status)
