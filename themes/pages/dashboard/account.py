"""/dashboard/favourites/, /dashboard/notifications/ and /dashboard/receipts/: the
customer's saved providers and listings (catalog's favourites), their notification feed
(bookings' notifications) and the receipts e-mailed to them (billing's receipts), through
the same selectors and services as the API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from billing.selectors.receipts import receipt_get, receipt_list
from billing.services.receipts import RECEIPT_LANGUAGES, receipt_facts
from bookings.selectors.notifications import notification_list, notification_unread_count
from bookings.services.notifications import notifications_mark_read
from catalog.selectors.favorites import favorite_list
from catalog.services.favorites import favorite_remove
from config.errors import ServiceError
from themes.pages.common import page_of
from themes.pages.dashboard.common import customer_page
from themes.pages.dashboard.forms import NotificationReadForm


class FavoriteRemoveForm(forms.Form):
    kind = forms.ChoiceField(choices=[("provider", "provider"), ("listing", "listing")])
    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


@require_safe
@customer_page
def favourites(request):
    page = page_of(request, favorite_list(user=request.user))
    return render(request, "site/dashboard/favourites.html", {"page": page})


@require_POST
@customer_page
def favourite_remove(request):
    form = FavoriteRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not one of your favourites."))
        return redirect("dashboard-favourites")
    kind, target = form.cleaned_data["kind"], form.cleaned_data["id"]
    favorite_remove(actor=request.user, **{f"{kind}_id": target})
    messages.success(request, _("Removed from your favourites."))
    return redirect("dashboard-favourites")


@require_safe
@customer_page
def notifications(request):
    page = page_of(request, notification_list(viewer=request.user))
    context = {"page": page, "unread": notification_unread_count(viewer=request.user)}
    return render(request, "site/dashboard/notifications.html", context)


@require_POST
@customer_page
def notifications_read(request):
    form = NotificationReadForm(request.POST)
    if form.is_valid() and (form.cleaned_data["all"] or form.cleaned_data["id"]):
        marked_id = form.cleaned_data["id"]
        try:
            notifications_mark_read(
                actor=request.user,
                ids=None if form.cleaned_data["all"] else [marked_id],
                everything=form.cleaned_data["all"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Marked as read."))
    else:
        messages.error(request, _("Choose a notification to mark as read."))
    return redirect("dashboard-notifications")


def _receipt_language() -> str | None:
    """The page's language when receipts are written in it (else the payer's own)."""
    language = (translation.get_language() or "").split("-")[0]
    return language if language in RECEIPT_LANGUAGES else None


@require_safe
@customer_page
def receipts(request):
    page = page_of(request, receipt_list(viewer=request.user))
    language = _receipt_language()
    rows = [
        {"receipt": receipt, "facts": receipt_facts(kind=receipt.kind,
                                                    reference=receipt.reference,
                                                    language=language)}
        for receipt in page
    ]  # fmt: skip
    return render(request, "site/dashboard/receipts.html", {"page": page, "rows": rows})


@require_safe
@customer_page
def receipt_download(request, receipt_id: int):
    """The receipt as the e-mail's text (billing/receipt_<language>.txt), to keep."""
    receipt = receipt_get(viewer=request.user, receipt_id=receipt_id)
    facts = receipt_facts(kind=receipt.kind, reference=receipt.reference,
                          language=_receipt_language())  # fmt: skip
    if facts is None:
        raise Http404
    text = render_to_string(f"billing/receipt_{facts['language']}.txt", facts)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = f"receipt-{receipt.kind}-{receipt.pk}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
