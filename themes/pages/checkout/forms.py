"""The booking form of a listing, one shape per pricing of its listing type, and the small
forms of checkout and the wallet.

A booking form only gathers what the API's body would carry (bookings.api.serializers.
BookingCreateSerializer): its field names are the API's (``starts_at``, ``package_id``,
``tickets``, ``quantity``, ``channel``, ``note``, ``inquiry``), so the serializer's
errors and a service's ``details`` land beside the field that caused them. Only the date of a
date slot is the page's own (``day``, picked on the calendar), joined with the times in the
marketplace's time zone into the API's ``starts_at``/``ends_at``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from billing.money import Money, MoneyError
from bookings.services.pricing_kinds import MAX_TICKETS_PER_ORDER
from catalog.models import Listing, ListingType
from themes.templatetags.site import money

Pricing = ListingType.Pricing
NOTE_MAX = 4000
CHANNEL_LABELS = {"chat": _("Chat"), "phone": _("Phone"), "video": _("Video")}


def _note(label) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class DateSlotForm(forms.Form):
    day = forms.DateField(label=_("Date"))
    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    note = _note(_("About your event"))
    inquiry = forms.BooleanField(
        label=_("Only ask a question first (nothing is held yet)"), required=False
    )

    def api_data(self, listing: Listing, time_zone: str) -> dict[str, Any]:
        zone = ZoneInfo(time_zone or "UTC")
        day = self.cleaned_data["day"]
        start = datetime.combine(day, self.cleaned_data["starts_at"], tzinfo=zone)
        end = datetime.combine(day, self.cleaned_data["ends_at"], tzinfo=zone)
        return {
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "note": self.cleaned_data["note"],
            "inquiry": self.cleaned_data["inquiry"],
        }


class QuoteForm(forms.Form):
    note = _note(_("What do you need? Dates, place, details"))

    def api_data(self, listing: Listing, time_zone: str) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class PackagesForm(forms.Form):
    package_id = forms.TypedChoiceField(
        label=_("Package"), coerce=int, widget=forms.RadioSelect, choices=()
    )
    note = _note(_("Your requirements"))

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["package_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (package.pk, f"{package.name} – {money(package.price_minor, listing.currency)}")
            for package in listing.packages.all()
            if package.archived_at is None
        ]

    def api_data(self, listing: Listing, time_zone: str) -> dict[str, Any]:
        return {"package_id": self.cleaned_data["package_id"], "note": self.cleaned_data["note"]}


class TicketsForm(forms.Form):
    """A quantity per tier (``tier_<id>``), sent as the API's ``tickets``; a sold-out tier's
    field is disabled."""

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        for tier in listing.ticket_tiers.all():
            most = max(0, min(tier.remaining, MAX_TICKETS_PER_ORDER))
            field = forms.IntegerField(
                label=f"{tier.name} – {money(tier.price_minor, listing.currency)}",
                min_value=0,
                max_value=most,
                initial=0,
                required=False,
                disabled=most == 0,
                help_text=ngettext_lazy("%(count)s ticket left", "%(count)s tickets left", "count")
                % {"count": tier.remaining}
                if most
                else _("Sold out"),
            )
            field.widget.attrs.update({"inputmode": "numeric"})
            self.fields[f"tier_{tier.pk}"] = field

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(self._quantities().values()):
            raise forms.ValidationError(_("Choose how many tickets of at least one tier."))
        return cleaned

    def _quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("tier_")): self.cleaned_data.get(name) or 0
            for name in self.fields
        }

    def api_data(self, listing: Listing, time_zone: str) -> dict[str, Any]:
        return {
            "tickets": [
                {"tier_id": tier_id, "quantity": quantity}
                for tier_id, quantity in self._quantities().items()
                if quantity
            ]
        }

    def refusal_field(self, details: dict) -> str | None:
        """The field of the tier a service's refusal names (``tier_id``), if any."""
        name = f"tier_{details.get('tier_id')}"
        return name if name in self.fields else None


class PerMinuteForm(forms.Form):
    channel = forms.ChoiceField(label=_("How"), widget=forms.RadioSelect, choices=())
    note = _note(_("Your question (optional)"))

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        assert isinstance(field, forms.ChoiceField)
        rates = listing.provider.per_minute_rates or {}
        field.choices = [
            (
                channel,
                _("%(channel)s – %(rate)s a minute")
                % {
                    "channel": CHANNEL_LABELS.get(channel, channel),
                    "rate": money(rates.get(channel) or listing.price_minor, listing.currency),
                },
            )
            for channel in listing.listing_type.config.get("channels", [])
        ]

    def api_data(self, listing: Listing, time_zone: str) -> dict[str, Any]:
        return {"channel": self.cleaned_data["channel"], "note": self.cleaned_data["note"]}


class ProductForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    note = _note(_("A note for the seller (optional)"))

    def api_data(self, listing: Listing, time_zone: str) -> dict[str, Any]:
        return {"quantity": self.cleaned_data["quantity"], "note": self.cleaned_data["note"]}


FORMS: dict[str, type[forms.Form]] = {
    Pricing.DATE_SLOT: DateSlotForm,
    Pricing.QUOTE: QuoteForm,
    Pricing.PACKAGES: PackagesForm,
    Pricing.TICKETS: TicketsForm,
    Pricing.PER_MINUTE: PerMinuteForm,
    Pricing.PRODUCT: ProductForm,
}
WITH_LISTING = (PackagesForm, TicketsForm, PerMinuteForm)


def booking_form(listing: Listing, data=None) -> forms.Form | None:
    """The form that books ``listing`` (None for a pricing with no form)."""
    form_class = FORMS.get(listing.listing_type.pricing)
    if form_class is None:
        return None
    kwargs: dict[str, Any] = {"listing": listing} if form_class in WITH_LISTING else {}
    return form_class(data, prefix=None, **kwargs)


class PayForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect, choices=())

    def __init__(self, *args, providers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, PROVIDER_NAMES.get(code, code)) for code in providers]
        if len(providers) == 1:
            field.initial = providers[0]


# The providers' own names (brands, not translated), for "Continue to …".
BRANDS = {"stripe": "Stripe", "fib": "FIB", "fastpay": "FastPay", "nasswallet": "NassWallet",
          "areeba": "areeba"}  # fmt: skip
PROVIDER_NAMES = {
    "stripe": _("Card (Stripe)"),
    "fib": _("FIB – First Iraqi Bank"),
    "fastpay": _("FastPay"),
    "nasswallet": _("NassWallet"),
    "areeba": _("Card (areeba)"),
}


class TopUpForm(PayForm):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=3, max_digits=15)
    save_method = forms.BooleanField(
        label=_("Keep this payment method for auto-reload"), required=False
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": currency}
        self.order_fields(["amount", "provider", "save_method"])

    def clean_amount(self):
        try:
            return Money.from_major(self.cleaned_data["amount"], self.currency)
        except MoneyError as error:  # more decimals than the currency has
            raise forms.ValidationError(
                _("Not an amount in %(currency)s.") % {"currency": self.currency}
            ) from error


class AutoReloadForm(forms.Form):
    enabled = forms.BooleanField(label=_("Reload automatically"), required=False)
    threshold = forms.DecimalField(
        label=_("When the balance falls under"), min_value=0, decimal_places=3, max_digits=15
    )
    amount = forms.DecimalField(
        label=_("Add this amount"), min_value=0, decimal_places=3, max_digits=15
    )
    method_id = forms.TypedChoiceField(
        label=_("Charge this saved method"), coerce=int, required=False, empty_value=None,
        choices=(),
    )  # fmt: skip

    def __init__(self, *args, currency: str, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        field = self.fields["method_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("None"))] + [
            (method.pk, f"{method.label} ({PROVIDER_NAMES.get(method.provider, method.provider)})")
            for method in methods
        ]

    def _money(self, name: str) -> Money:
        try:
            return Money.from_major(self.cleaned_data[name], self.currency)
        except MoneyError as error:  # more decimals than the currency has
            raise forms.ValidationError(
                _("Not an amount in %(currency)s.") % {"currency": self.currency}
            ) from error

    def clean_threshold(self):
        return self._money("threshold")

    def clean_amount(self):
        return self._money("amount")


def mark_invalid(*forms_shown: forms.Form | None) -> None:
    """Ties each field's error (``<id>-error``) and hint (``<id>-hint``) to its input, for
    screen readers, before the forms are drawn (site/checkout/_field.html writes those ids)."""
    for form in forms_shown:
        if form is None:
            continue
        for name, field in form.fields.items():
            bound = form[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-hint")
            if bound.errors:
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
