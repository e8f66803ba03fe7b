"""/provider/: the provider's dashboard (what waits for them, their earnings, the online
switch) and /provider/join/, where a new provider opens an account."""

from __future__ import annotations

import math
from typing import cast

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.views import APIView

from accounts.api.serializers import SignupSerializer
from accounts.models import User
from accounts.services.users import user_signup
from api.throttles import AuthMailThrottle, ClientScopedRateThrottle
from billing.selectors.wallet import wallet_balances
from bookings.processes import get_process
from bookings.selectors.bookings import booking_list
from bookings.services.steps import step_of
from catalog.services.profiles import provider_online_set, provider_profile_save
from config.errors import InvalidInput, ServiceError
from themes.pages.common import form_refusal
from themes.pages.provider.common import own_profile_or_none, provider_page, state_label
from themes.pages.provider.forms import JoinForm, OnlineForm

# The latest bookings looked through for steps to take; older ones are on the bookings page.
RECENT = 50
WAITING_SHOWN = 10


def provider_steps(booking) -> list[str]:
    """The steps the process offers the provider now, taken on the site (a dispute has its
    own page)."""
    names = get_process(booking.process).available(state=booking.state, actor="provider")
    return [name for name in names if step_of(name).endpoint is None or name == "deliver"]


@provider_page
def dashboard(request):
    profile = own_profile_or_none(request.user)
    recent = list(booking_list(viewer=request.user, role="provider")[:RECENT])
    waiting = [booking for booking in recent if provider_steps(booking)]
    for booking in waiting:
        booking.state_label = state_label(booking.state)
    context = {
        "profile": profile,
        "waiting": waiting[:WAITING_SHOWN],
        "waiting_count": len(waiting),
        "balances": wallet_balances(viewer=request.user),
        "online_form": OnlineForm(initial={"is_online": not (profile and profile.is_online)}),
    }
    return render(request, "site/provider/dashboard.html", context)


@require_POST
@provider_page
def online(request):
    form = OnlineForm(request.POST)
    form.is_valid()  # a missing box is "offline"
    try:
        profile = provider_online_set(actor=request.user, is_online=form.cleaned_data["is_online"])
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("provider-profile")
    if profile.is_online:
        messages.success(request, _("You are online: customers can start live sessions."))
    else:
        messages.success(request, _("You are offline."))
    return redirect("provider-dashboard")


class _JoinScope:
    """What DRF's throttles read of a view: joining spends the sign-up API's allowance."""

    throttle_scope = "auth"


def _retry_after(request) -> int | None:
    for throttle in (ClientScopedRateThrottle(), AuthMailThrottle()):
        if not throttle.allow_request(request, cast(APIView, _JoinScope)):
            return max(1, math.ceil(throttle.wait() or 1))
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def join(request):
    """A visitor opens a provider account (a verification link is mailed, as on sign-up) with
    their public profile's name; a provider already logged in goes to the dashboard."""
    user = request.user
    if user.is_authenticated and user.role == User.Role.PROVIDER:
        return redirect("provider-dashboard")
    form = JoinForm(request.POST or None)
    context = {"form": form, "signed_in_as_other": user.is_authenticated}
    if request.method != "POST" or user.is_authenticated or not form.is_valid():
        return render(request, "site/provider/join.html", context, status=_status(request, form))
    retry_after = _retry_after(request)
    if retry_after is not None:
        form.add_error(None, ngettext(
            "Too many attempts; try again in %(seconds)s second.",
            "Too many attempts; try again in %(seconds)s seconds.", retry_after,
        ) % {"seconds": retry_after})  # fmt: skip
        response = render(request, "site/provider/join.html", context, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    data = form.cleaned_data
    serializer = SignupSerializer(data={**data, "role": User.Role.PROVIDER})
    try:
        if not serializer.is_valid():
            raise InvalidInput(_("Check the fields marked."), details=serializer.errors)
        with transaction.atomic():
            account = user_signup(**serializer.validated_data)
            provider_profile_save(actor=account, changes={"display_name": data["display_name"]})
    except ServiceError as error:
        return render(request, "site/provider/join.html", context, status=form_refusal(form, error))
    return redirect("account_email_verification_sent")


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200
