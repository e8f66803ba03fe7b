"""Checkout: pay what a booking owes now, hand over to the payment provider, and wait for its
word on the return page.

- /checkout/booking/<id>/: the booking as its customer sees it (bookings' ``booking_get`` and
  ``booking_money_visible``), what is owed now (``booking_payable``: the deposit, the balance
  or the whole) and the marketplace's enabled providers. Paying calls
  ``booking_payment_start``, the call the API's pay endpoint makes; a quote to accept first is
  accepted through ``booking_transition`` as over the API.
- /checkout/<reference>/: the payment's next action. A redirect is a link to the provider's
  page (the site's Content-Security-Policy lets a form post only to its own origin, so the
  browser is not redirected there from a POST); FIB's QR code is the PNG ``data:`` image the
  provider answered (no request to another host) with its readable code; app links are links.
- /checkout/return/<key>/: where the provider sends the customer back. The key is the
  payment's idempotency key (ours, of the customer's), so the return finds the payment
  before the provider's reference is known; the return's query goes to billing's
  ``payment_return_check`` (areeba's proof is checked there) and the browser moves to
- /checkout/<reference>/return/: "waiting" until the provider's word settles the payment (the
  webhook, in the Celery worker); site/checkout.js polls /checkout/<reference>/status/ and
  reloads when it changes, and a "Check again" link does the same without JavaScript.
"""

from __future__ import annotations

import contextlib
import secrets

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from billing.models import Payment
from billing.providers.base import PaymentState
from billing.selectors.payments import payment_get
from billing.services.payment_links import payment_link_providers
from billing.services.returns import payment_return_check
from bookings.processes import get_process
from bookings.selectors.bookings import booking_get, booking_money_visible
from bookings.services.payments import booking_payable, booking_payment_start
from bookings.services.transitions import booking_transition
from config.errors import NotFound, ServiceError
from themes.pages.checkout.forms import BRANDS, PROVIDER_NAMES, PayForm, mark_invalid
from themes.pages.checkout.states import CONFIRMED, state_hint, state_label
from themes.pages.common import form_refusal, page_role_required

SETTLED = {PaymentState.PAID, PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED,
           PaymentState.REFUND_PENDING}  # fmt: skip
OVER = {PaymentState.FAILED, PaymentState.CANCELLED, PaymentState.EXPIRED}


def _booking(request, booking_id: int):
    try:
        return booking_get(viewer=request.user, booking_id=booking_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _payment(request, reference: str) -> Payment:
    try:
        return payment_get(viewer=request.user, reference=reference)
    except NotFound as error:
        raise Http404(error.message) from error


def new_key() -> str:
    """A fresh idempotency key for one payment started from a page (8 to 64 characters)."""
    return secrets.token_urlsafe(18)


def return_url(request, key: str) -> str:
    return request.build_absolute_uri(reverse("checkout-return", args=[key]))


def _booking_context(request, booking, role: str) -> dict:
    process = get_process(booking.process)
    owed_minor, purpose = booking_payable(booking) if role == "customer" else (0, "")
    return {
        "booking": booking,
        "money": booking_money_visible(booking=booking, viewer=request.user),
        "owed_minor": owed_minor,
        "purpose": purpose,
        "can_accept": "accept" in process.available(state=booking.state, actor=role)
        and role == "customer",
        "state_label": state_label(booking.state),
        "state_hint": state_hint(booking.state, booking.process),
    }


@require_http_methods(["GET", "POST"])
@page_role_required("customer")
def checkout_booking(request, booking_id: int):
    booking, role = _booking(request, booking_id)
    providers = payment_link_providers()
    form = PayForm(request.POST if request.method == "POST" else None, providers=providers)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            key = new_key()
            try:
                payment = booking_payment_start(
                    actor=request.user,
                    booking_id=booking.pk,
                    provider=form.cleaned_data["provider"],
                    return_url=return_url(request, key),
                    idempotency_key=key,
                )
            except ServiceError as error:
                status = form_refusal(form, error)
            else:
                return redirect("checkout-payment", reference=payment.reference)
        booking, role = _booking(request, booking_id)
    mark_invalid(form)
    context = {**_booking_context(request, booking, role), "form": form, "providers": providers}
    return render(request, "site/checkout/booking.html", context, status=status)


@require_POST
@page_role_required("customer")
def checkout_accept(request, booking_id: int):
    """The customer accepts the provider's quote (the booking's ``accept`` step)."""
    booking, role = _booking(request, booking_id)
    try:
        booking_transition(booking_id=booking.pk, transition="accept", actor=request.user, data={})
    except ServiceError as error:
        form = PayForm(providers=payment_link_providers())
        context = {**_booking_context(request, booking, role), "form": form,
                   "accept_error": error.message}  # fmt: skip
        return render(request, "site/checkout/booking.html", context, status=error.status)
    return redirect("checkout-booking", booking_id=booking.pk)


def _subject_booking(request, payment: Payment):
    """The booking a payment is for (None for a top-up or a booking no longer the viewer's)."""
    kind, _sep, ident = payment.subject.partition(":")
    if kind != "booking" or not ident.isdigit():
        return None
    try:
        return booking_get(viewer=request.user, booking_id=int(ident))[0]
    except NotFound:
        return None


def _payment_context(request, payment: Payment, *, returned: bool) -> dict:
    context = {
        "payment": payment,
        "action": payment.next_action or {},
        "booking": _subject_booking(request, payment),
        "returned": returned,
        "settled": payment.state in SETTLED,
        "over": payment.state in OVER,
        "status_url": reverse("checkout-status", args=[payment.reference]),
    }
    action = context["action"]
    qr = str(action.get("qr_image") or "")
    # Only an image carried in the page itself: never a request to another host.
    context["qr_src"] = qr if qr.startswith("data:image/") else ""
    context["provider_name"] = PROVIDER_NAMES.get(payment.provider, payment.provider)
    context["provider_brand"] = BRANDS.get(payment.provider, payment.provider)
    booking = context["booking"]
    context["watching"] = not (context["settled"] or context["over"])
    if booking is not None:
        context["state_label"] = state_label(booking.state)
        context["booking_confirmed"] = booking.state in CONFIRMED
    return context


@require_safe
@page_role_required()
def checkout_payment(request, reference: str):
    payment = _payment(request, reference)
    context = _payment_context(request, payment, returned=False)
    return render(request, "site/checkout/payment.html", context)


@require_safe
@page_role_required()
def checkout_payment_return(request, reference: str):
    payment = _payment(request, reference)
    context = _payment_context(request, payment, returned=True)
    return render(request, "site/checkout/payment.html", context)


@require_safe
@page_role_required()
def checkout_return(request, key: str):
    """The provider sent the customer back: tell billing (it asks the provider at once, and
    checks areeba's proof), then show the waiting page."""
    found = (
        Payment.objects.filter(payer=request.user, idempotency_key=f"{request.user.pk}:{key}")
        .values_list("reference", flat=True)
        .first()
    )
    if found is None:
        raise Http404
    payment = _payment(request, found)
    query = {name: value[:500] for name, value in request.GET.items()}
    # A refusal or an unreachable provider: its notification or the periodic check will
    # tell, and the page waits for that.
    with contextlib.suppress(ServiceError):
        payment_return_check(payment=payment, query=query)
    return redirect("checkout-payment-return", reference=payment.reference)


@require_safe
@page_role_required()
def checkout_status(request, reference: str):
    """Where the payment stands, for the return page's poll (same origin, JSON)."""
    payment = _payment(request, reference)
    booking = _subject_booking(request, payment)
    response = JsonResponse(
        {
            "state": payment.state,
            "done": payment.state in SETTLED or payment.state in OVER,
            "booking_state": booking.state if booking else None,
        }
    )
    response["Cache-Control"] = "no-store"
    return response
