"""Billing's server-rendered page: a payment link (/pay/<token>/, billing.services.
payment_links). GET shows what is due and the marketplace's providers; POST with a provider
starts or resumes the payment and sends the browser on: to the provider's page (a redirect),
or shows FIB's QR image, readable code and app links. A plain page; the branded site comes
later."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from billing.providers.registry import DRIVERS
from billing.services.payment_links import (
    payment_link_due,
    payment_link_pay,
    payment_link_providers,
)
from config.errors import NotFound, ServiceError
from tenants.db import connection

TEMPLATE = "billing/payment_link.html"


@require_http_methods(["GET", "POST"])
def payment_link_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        due = payment_link_due(token=token)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    context = {
        "marketplace": connection.tenant,
        "due": due,
        "providers": payment_link_providers(),
    }
    if request.method == "GET" or due is None:
        return render(request, TEMPLATE, context)
    provider = request.POST.get("provider", "")
    if provider not in DRIVERS:
        return render(request, TEMPLATE, context, status=400)
    try:
        payment = payment_link_pay(
            token=token, provider=provider, return_url=request.build_absolute_uri()
        )
    except ServiceError as exc:
        return render(request, TEMPLATE, {**context, "error": str(exc)}, status=exc.status)
    action = payment.next_action or {}
    if action.get("type") == "redirect" and action.get("url"):
        return redirect(action["url"])
    return render(request, TEMPLATE, {**context, "payment": payment, "action": action})
