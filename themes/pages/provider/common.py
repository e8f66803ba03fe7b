"""What the provider's pages share: the role check, the provider's own booking (another's is
not found), a money field in major units, a date-and-time field in the marketplace's time
zone, and answering a form with a service's refusal."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.money import Money, MoneyError
from bookings.selectors.bookings import booking_get
from catalog.selectors.providers import provider_profile_own
from config.errors import NotFound, ServiceError
from themes.pages.common import form_refusal, page_role_required

provider_page = page_role_required("provider")
# PostgreSQL's bigint: a larger number in a path is no id at all.
MAX_ID = 2**63 - 1


def own_profile_or_none(user):
    try:
        return provider_profile_own(user=user)
    except NotFound:
        return None


def own_booking(request, booking_id: int):
    """The booking, when the logged-in provider is its provider; else 404 (as the API
    answers strangers), also for staff and for the booking's customer."""
    if booking_id > MAX_ID:
        raise Http404
    try:
        booking, role = booking_get(viewer=request.user, booking_id=booking_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if role != "provider":
        raise Http404
    return booking


def refused(request, template: str, context: dict, form: forms.Form, error: ServiceError):
    """The page again, with the service's refusal beside the field it names."""
    return render(request, template, context, status=form_refusal(form, error))


class MoneyField(forms.DecimalField):
    """An amount typed in major units (12.50), cleaned to minor units of ``currency``."""

    def __init__(self, *, currency: str, **kwargs):
        self.currency = currency
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 15)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs["step"] = "any"

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return Money(value, self.currency).to_major()
        return value

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        try:
            return Money.from_major(amount, self.currency).amount_minor
        except MoneyError as error:
            raise forms.ValidationError(
                _("Too many decimal places for %(currency)s.") % {"currency": self.currency}
            ) from error


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time as the marketplace's clocks show it (its ``time_zone``): typed values
    are read in that zone and stored values shown in it, whatever the server's zone."""

    def __init__(self, *, time_zone: str, **kwargs):
        self.zone = ZoneInfo(time_zone)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)


def datetime_field(label, *, time_zone: str, required: bool = True) -> ZonedDateTimeField:
    """A date and time picked in the browser's own control, in the marketplace's zone."""
    return ZonedDateTimeField(
        time_zone=time_zone,
        label=label,
        required=required,
        help_text=_("In the marketplace's time zone, %(zone)s.") % {"zone": time_zone},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


STATE_LABELS = {
    "inquiry": _("Inquiry"),
    "requested": _("Requested"),
    "quoted": _("Quoted"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "ordered": _("Ordered, not paid yet"),
    "confirmed": _("Deposit paid"),
    "paid": _("Paid"),
    "in_progress": _("In progress"),
    "delivered": _("Delivered"),
    "revision_requested": _("Revision requested"),
    "completed": _("Completed"),
    "reviewed": _("Reviewed"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired"),
    "disputed": _("Disputed"),
    "resolved": _("Resolved"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state.replace("_", " ")))
