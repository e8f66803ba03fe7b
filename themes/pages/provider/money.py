"""/provider/earnings/: the provider's balances from the ledger (pending, available, in flight,
paid out), their payouts, a withdrawal (``withdrawal_request``), where they are paid
(``payout_account_set``: an IBAN for FIB, wallet or bank details for a transfer by hand) and,
where the marketplace takes payments through Stripe, Stripe Connect's onboarding
(``connected_account_onboard``)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from billing.models import ConnectedAccount, Payout, PayoutAccount, PayoutMethod
from billing.providers.base import ProviderError
from billing.selectors.providers import provider_account_list
from billing.selectors.wallet import payout_get, wallet_balances, wallet_payouts
from billing.services.connect import connected_account_onboard
from billing.services.payouts import payout_account_set, payout_cancel
from billing.services.withdrawals import withdrawal_request
from config.errors import NotFound, ServiceError
from themes.pages.common import form_refusal
from themes.pages.provider.common import provider_page
from themes.pages.provider.forms import (
    PAYOUT_METHOD_LABELS,
    PayoutAccountForm,
    WithdrawalForm,
)

PAYOUTS_SHOWN = 20
TEMPLATE = "site/provider/earnings.html"
PAYOUT_STATES: dict[str, Any] = {
    Payout.State.REQUESTED: gettext_lazy("Requested"),
    Payout.State.SENT: gettext_lazy("Sent"),
    Payout.State.PAID: gettext_lazy("Paid"),
    Payout.State.FAILED: gettext_lazy("Failed"),
    Payout.State.CANCELLED: gettext_lazy("Cancelled"),
}


def _enabled_providers() -> set[str]:
    return {choice.code for choice in provider_account_list() if choice.enabled}


def _methods(enabled: set[str]) -> list[tuple[str, Any]]:
    """What a provider may name here: FIB where the marketplace pays through it, and details
    for a transfer by hand. (A Stripe account is set by Stripe's onboarding.)"""
    methods = [PayoutMethod.FIB] if PayoutMethod.FIB in enabled else []
    return [(method, PAYOUT_METHOD_LABELS[method]) for method in (*methods, PayoutMethod.MANUAL)]


def _labelled(payouts) -> list:
    payouts = list(payouts)
    for payout in payouts:
        payout.state_label = PAYOUT_STATES.get(payout.state, payout.state)
    return payouts


def _withdrawal_form(currency: str, data=None) -> WithdrawalForm:
    return WithdrawalForm(data, currency=currency, initial={"key": secrets.token_urlsafe(24)})


def _context(request, *, withdrawal=None, account=None) -> dict:
    user = request.user
    enabled = _enabled_providers()
    currency = request.tenant.default_currency
    connected = ConnectedAccount.objects.filter(user=user).first() if "stripe" in enabled else None
    return {
        "balances": wallet_balances(viewer=user),
        "payouts": _labelled(wallet_payouts(viewer=user)[:PAYOUTS_SHOWN]),
        "payout_accounts": [
            (PAYOUT_METHOD_LABELS.get(PayoutMethod(a.method), a.method), a)
            for a in PayoutAccount.objects.filter(user=user).order_by("method")
        ],
        "withdrawal_form": withdrawal or _withdrawal_form(currency),
        "account_form": account or PayoutAccountForm(methods=_methods(enabled)),
        "stripe": "stripe" in enabled,
        "connected": connected,
        "minimum_minor": request.tenant.withdrawal_minimum_minor,
        "currency": currency,
    }


@require_safe
@provider_page
def earnings(request):
    return render(request, TEMPLATE, _context(request))


@require_POST
@provider_page
def withdraw(request):
    form = _withdrawal_form(request.tenant.default_currency, request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, withdrawal=form), status=400)
    try:
        withdrawal_request(
            actor=request.user,
            amount_minor=form.cleaned_data["amount_minor"],
            idempotency_key=f"{request.user.pk}-page-{form.cleaned_data['key']}",
        )
    except ServiceError as error:
        if error.code in ("below_minimum", "exceeds_available"):
            form.add_error("amount_minor", error.message)
            status = error.status
        else:
            status = form_refusal(form, error)
        return render(request, TEMPLATE, _context(request, withdrawal=form), status=status)
    messages.success(request, _("Your withdrawal is requested."))
    return redirect("provider-earnings")


@require_POST
@provider_page
def payout_account(request):
    form = PayoutAccountForm(request.POST, methods=_methods(_enabled_providers()))
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, account=form), status=400)
    try:
        payout_account_set(actor=request.user, method=form.cleaned_data["method"],
                           destination=form.cleaned_data["destination"])  # fmt: skip
    except ServiceError as error:
        status = form_refusal(form, error)
        return render(request, TEMPLATE, _context(request, account=form), status=status)
    messages.success(request, _("Where you are paid is saved."))
    return redirect("provider-earnings")


@require_POST
@provider_page
def stripe_onboarding(request):
    """Off to Stripe's onboarding (a fresh link each time, as the API answers)."""
    try:
        url = connected_account_onboard(user=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("provider-earnings")
    except ProviderError:
        messages.error(request, _("Stripe could not be reached; try again in a moment."))
        return redirect("provider-earnings")
    return redirect(url)


@require_POST
@provider_page
def withdrawal_cancel(request, reference: str):
    """Take back a withdrawal not sent yet (``payout_cancel``); another's payout: 404."""
    try:
        payout = payout_get(viewer=request.user, reference=reference)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        payout_cancel(actor=request.user, payout_id=payout.pk)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The withdrawal is cancelled; the money is available again."))
    return redirect("provider-earnings")
