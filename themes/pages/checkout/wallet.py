"""/wallet/: a customer's prepaid balance (psychic readings are paid from it), a top-up through
any enabled provider, and auto-reload — billing's services the API's wallet endpoints call
(``wallet_balances``, ``top_up_start``, ``auto_reloads_of``/``auto_reload_set``).

A top-up goes through checkout like a booking's payment (/checkout/<reference>/), so its
return page waits for the provider's word the same way. Amounts are typed in major units and
turned into minor units by ``Money.from_major`` (too many decimals for the currency: refused
beside the field); every bound (the marketplace's top-up minimum and maximum, off-session
providers) is the service's.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from billing.models import AutoReload
from billing.money import Money
from billing.selectors.auto_reload import auto_reloads_of
from billing.selectors.saved_methods import saved_methods_of
from billing.selectors.top_ups import top_ups_of
from billing.selectors.wallet import wallet_balances
from billing.services.auto_reload import auto_reload_set
from billing.services.payment_links import payment_link_providers
from billing.services.top_ups import top_up_start
from config.errors import ServiceError
from tenants.db import connection
from themes.pages.checkout.checkout import new_key, return_url
from themes.pages.checkout.forms import AutoReloadForm, TopUpForm, mark_invalid
from themes.pages.checkout.states import payment_state_label
from themes.pages.common import form_refusal, page_role_required

TEMPLATE = "site/checkout/wallet.html"
RECENT_TOP_UPS = 10
# A refusal whose code says which field it is about, for codes that carry no ``details``.
FIELD_OF_CODE = {
    "top_up_out_of_bounds": "amount",
    "currency_not_accepted": "amount",
    "provider_not_enabled": "provider",
    "off_session_not_supported": "save_method",
    "method_required": "method_id",
    "method_not_found": "method_id",
    "invalid_amount": "amount",
}


def refuse(form, error: ServiceError) -> int:
    name = FIELD_OF_CODE.get(error.code)
    if name in form.fields:
        form.add_error(name, error.message)
        return error.status
    return form_refusal(form, error)


def _currency() -> str:
    return connection.tenant.default_currency


def _reload_initial(currency: str, viewer) -> dict:
    found: AutoReload | None = auto_reloads_of(viewer=viewer).filter(currency=currency).first()
    if found is None:
        return {"enabled": False}
    return {
        "enabled": found.enabled,
        "threshold": Money(found.threshold_minor, currency).to_major(),
        "amount": Money(found.amount_minor, currency).to_major(),
        "method_id": found.method_id or "",
    }


def _render(request, *, top_up=None, reload=None, status: int = 200):
    currency = _currency()
    providers = payment_link_providers()
    methods = list(saved_methods_of(viewer=request.user))
    if top_up is None:
        top_up = TopUpForm(providers=providers, currency=currency)
    if reload is None:
        reload = AutoReloadForm(
            initial=_reload_initial(currency, request.user), currency=currency, methods=methods
        )
    mark_invalid(top_up, reload)
    balances = wallet_balances(viewer=request.user)
    prepaid = next((row["prepaid_minor"] for row in balances if row["currency"] == currency), 0)
    context = {
        "currency": currency,
        "prepaid_minor": prepaid,
        "other_balances": [
            row for row in balances if row["currency"] != currency and row["prepaid_minor"]
        ],
        "top_up_form": top_up,
        "reload_form": reload,
        "reloads": list(auto_reloads_of(viewer=request.user)),
        "top_ups": [
            (payment, payment_state_label(payment.state))
            for payment in top_ups_of(viewer=request.user)[:RECENT_TOP_UPS]
        ],
        "providers": providers,
    }
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@page_role_required("customer")
def wallet(request):
    if request.method == "GET":
        return _render(request)
    form = TopUpForm(request.POST, providers=payment_link_providers(), currency=_currency())
    if form.is_valid():
        key = new_key()
        try:
            payment = top_up_start(
                actor=request.user,
                amount=form.cleaned_data["amount"],
                provider=form.cleaned_data["provider"],
                idempotency_key=key,
                return_url=return_url(request, key),
                save_method=form.cleaned_data["save_method"],
            )
        except ServiceError as error:
            return _render(request, top_up=form, status=refuse(form, error))
        return redirect("checkout-payment", reference=payment.reference)
    return _render(request, top_up=form, status=400)


@require_POST
@page_role_required("customer")
def wallet_auto_reload(request):
    currency = _currency()
    form = AutoReloadForm(
        request.POST, currency=currency, methods=list(saved_methods_of(viewer=request.user))
    )
    if form.is_valid():
        try:
            auto_reload_set(
                actor=request.user,
                currency=currency,
                enabled=form.cleaned_data["enabled"],
                threshold=form.cleaned_data["threshold"],
                amount=form.cleaned_data["amount"],
                method_id=form.cleaned_data["method_id"],
            )
        except ServiceError as error:
            return _render(request, reload=form, status=refuse(form, error))
        return redirect("checkout-wallet")
    return _render(request, reload=form, status=400)
