"""The provider's forms. Each field holds what the API's serializer for the same write holds
(catalog.api.provider_profile, catalog.api.listings, bookings.api.serializers,
billing.api.payouts and withdrawals); the cleaned data goes to the same service, whose
refusals land beside the field they name (themes.pages.common.form_refusal)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import PayoutMethod
from catalog.models import AvailabilityEntry
from themes.pages.provider.common import MoneyField

WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
TEXTAREA = {"rows": 5}


class JoinForm(forms.Form):
    """A new provider's account: what allauth's sign-up asks, and the name shown to customers."""

    display_name = forms.CharField(label=_("Display name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=120)
    tagline = forms.CharField(label=_("Tagline"), max_length=160, required=False)
    bio = forms.CharField(
        label=_("About you"), max_length=10_000, required=False, widget=forms.Textarea(TEXTAREA)
    )
    location_name = forms.CharField(label=_("Location"), max_length=120, required=False)
    travel_radius_km = forms.IntegerField(
        label=_("Travel radius (km)"), min_value=0, max_value=20_000, required=False
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (
            ("minimum_rate_minor", _("Minimum rate")),
            ("hourly_rate_minor", _("Rate per hour")),
            ("event_rate_minor", _("Rate per event")),
        ):
            self.fields[name] = MoneyField(currency=currency, label=label, required=False)
            self.fields[name].help_text = currency

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("travel_radius_km") is None:
            data["travel_radius_km"] = 0
        return data


class OnlineForm(forms.Form):
    is_online = forms.BooleanField(required=False)


class MediaForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or video"),
        help_text=_("JPEG, PNG, WebP or GIF image; MP4, MOV or WebM video."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class WeeklyHoursForm(forms.Form):
    """One row per weekday; a day left empty is not worked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"start_{day}"] = forms.TimeField(
                label=_("%(day)s from") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"end_{day}"] = forms.TimeField(
                label=_("%(day)s until") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    def days(self):
        return [
            (name, self[f"start_{day}"], self[f"end_{day}"]) for day, name in enumerate(WEEKDAYS)
        ]

    def clean(self):
        data = super().clean() or {}
        for day in range(len(WEEKDAYS)):
            start, end = data.get(f"start_{day}"), data.get(f"end_{day}")
            if (start is None) != (end is None) and f"end_{day}" not in self.errors:
                self.add_error(f"end_{day}" if end is None else f"start_{day}",
                               _("Give both times, or neither."))  # fmt: skip
            elif start is not None and end is not None and end <= start:
                self.add_error(f"end_{day}", _("Hours must end after they start."))
        return data

    def slots(self) -> list[dict]:
        return [
            {
                "weekday": day,
                "start_time": self.cleaned_data[f"start_{day}"],
                "end_time": self.cleaned_data[f"end_{day}"],
            }  # fmt: skip
            for day in range(len(WEEKDAYS))
            if self.cleaned_data.get(f"start_{day}") is not None
        ]


class ExceptionForm(forms.Form):
    """A dated exception to the weekly hours (no times: the whole day)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (AvailabilityEntry.Status.BLOCKED, _("Not available")),
            (AvailabilityEntry.Status.AVAILABLE, _("Available")),
        ],
    )
    start_time = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    note = forms.CharField(label=_("Note"), max_length=140, required=False)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if (start is None) != (end is None):
            self.add_error("end_time" if end is None else "start_time",
                           _("Give both times, or neither for the whole day."))  # fmt: skip
        elif start is not None and end is not None and end <= start:
            self.add_error("end_time", _("The time must end after it starts."))
        return data


class ExceptionDeleteForm(forms.Form):
    date = forms.DateField()


class ListingForm(forms.Form):
    """A listing's own fields; what its type sells by (price, package, tickets) is added by
    ``for_pricing``."""

    title = forms.CharField(label=_("Title"), max_length=140)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    description = forms.CharField(
        label=_("Description"), max_length=20_000, required=False, widget=forms.Textarea(TEXTAREA)
    )

    def __init__(self, *args, categories, listing_types=None, pricing=None, currency: str,
                 **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.currency = currency
        cast(forms.ChoiceField, self.fields["category"]).choices = categories
        if listing_types is not None:
            self.fields["listing_type"] = forms.TypedChoiceField(
                label=_("Kind of listing"), coerce=int, choices=listing_types
            )
            self.order_fields(["listing_type"])
        self.pricing = pricing
        if pricing == "packages":
            self.fields["price_minor"] = MoneyField(
                currency=currency, label=_("Basic package price")
            )
            self.fields["delivery_days"] = forms.IntegerField(
                label=_("Delivery in days"), min_value=1, max_value=365
            )
            self.fields["revisions"] = forms.IntegerField(
                label=_("Revisions included"), min_value=0, max_value=100, initial=0
            )
        elif pricing == "tickets":
            self.fields["price_minor"] = MoneyField(currency=currency, label=_("Ticket price"))
            self.fields["capacity"] = forms.IntegerField(label=_("Tickets on sale"), min_value=1)
            for name, label in (("starts_at", _("Starts")), ("ends_at", _("Ends"))):
                self.fields[name] = forms.DateTimeField(
                    label=label,
                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                )
        elif pricing is not None:
            label = _("Price per minute") if pricing == "per_minute" else _("Price")
            self.fields["price_minor"] = MoneyField(currency=currency, label=label)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("listing_type", None)
        data["category_id"] = data.pop("category")
        if self.pricing == "packages":
            data["packages"] = [{
                "tier": "basic", "price_minor": data.pop("price_minor"),
                "delivery_days": data.pop("delivery_days"), "revisions": data.pop("revisions"),
            }]  # fmt: skip
        elif self.pricing == "tickets":
            data["ticket_tiers"] = [{
                "name": str(_("General admission")), "price_minor": data.pop("price_minor"),
                "capacity": data.pop("capacity"),
            }]  # fmt: skip
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the customer)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )


class QuoteForm(forms.Form):
    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_minor"] = MoneyField(
            currency=currency, label=_("Your price"), min_value=0, help_text=currency
        )
        self.fields["message"] = forms.CharField(
            label=_("Message"), max_length=4000, required=False, widget=forms.Textarea({"rows": 3})
        )

    def clean_price_minor(self):
        price = self.cleaned_data["price_minor"]
        if price is not None and price < 1:
            raise forms.ValidationError(_("A quote is more than nothing."))
        return price


class DeliveryForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), max_length=10_000, required=False, widget=forms.Textarea(TEXTAREA)
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Images, videos, PDF, ZIP and office documents."),
    )


class PayoutAccountForm(forms.Form):
    method = forms.ChoiceField(label=_("How you are paid"))
    destination = forms.CharField(
        label=_("Where to pay (IBAN, wallet or bank details)"), max_length=255
    )

    def __init__(self, *args, methods, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["method"]).choices = methods


class WithdrawalForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_minor"] = MoneyField(
            currency=currency, label=_("Amount to withdraw"), help_text=currency
        )


PAYOUT_METHOD_LABELS = {
    PayoutMethod.FIB: _("FIB (to your IBAN)"),
    PayoutMethod.MANUAL: _("Bank transfer or wallet (paid by the marketplace's staff)"),
    PayoutMethod.STRIPE: _("Stripe"),
}
