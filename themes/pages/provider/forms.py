"""The provider's forms. Each field holds what the API's serializer for the same write holds
(catalog.api.provider_profile, catalog.api.listings, bookings.api.serializers,
billing.api.payouts and withdrawals); the cleaned data goes to the same service, whose
refusals land beside the field they name (themes.pages.common.form_refusal)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from billing.models import PayoutMethod
from catalog.models import AvailabilityEntry, ListingType
from catalog.services.availability import WeeklySlot
from catalog.services.listing_input import listing_fields
from config.errors import ServiceError
from themes.pages.provider.common import MoneyField, datetime_field

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
HOURS_ROWS = 3  # ranges a day on the weekly hours form (a split shift, and one more)
# A key of a refusal's details naming one of the slots sent (weekly_hours_replace).
SLOT_KEY = re.compile(r"^\[(?P<index>\d+)\]$")


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


@dataclass
class HoursRow:
    """One range of a weekday on the weekly hours form, with the refusals of that range."""

    key: str  # "hours-<weekday>-<row>", also the id of its errors
    legend: str
    start: forms.BoundField
    end: forms.BoundField
    errors: ErrorList = field(default_factory=ErrorList)


class WeeklyHoursForm(forms.Form):
    """Rows of ranges per weekday (HOURS_ROWS, more if the API gave a day more); an empty row
    is no range and a day without any is not worked. Whether ranges may overlap or end before
    they start is ``weekly_hours_replace``'s to say; ``place`` puts its refusal beside the row."""

    def __init__(self, data=None, *, hours):
        ranges: dict[int, list] = {day: [] for day in range(len(WEEKDAYS))}
        for slot in sorted(hours, key=lambda slot: (slot.weekday, slot.start_time)):
            ranges[slot.weekday].append(slot)
        initial = {
            f"{edge}_{day}_{row}": getattr(slot, f"{edge}_time")
            for day, slots in ranges.items()
            for row, slot in enumerate(slots)
            for edge in ("start", "end")
        }
        super().__init__(data, initial=initial)
        self.rows: dict[int, list[HoursRow]] = {}
        for day, name in enumerate(WEEKDAYS):
            self.rows[day] = []
            for row in range(max(HOURS_ROWS, len(ranges[day]))):
                for edge, label in (("start", _("From")), ("end", _("Until"))):
                    self.fields[f"{edge}_{day}_{row}"] = forms.TimeField(
                        label=label,
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )
                self.rows[day].append(HoursRow(
                    key=f"hours-{day}-{row}",
                    legend=_("%(day)s, time range %(number)s") % {"day": name, "number": row + 1},
                    start=self[f"start_{day}_{row}"], end=self[f"end_{day}_{row}"],
                ))  # fmt: skip
        self._sent: list[HoursRow] = []

    def days(self) -> list[tuple[str, list[HoursRow]]]:
        return [(str(name), self.rows[day]) for day, name in enumerate(WEEKDAYS)]

    def clean(self):
        data = super().clean() or {}
        for day, rows in self.rows.items():
            for row in range(len(rows)):
                start, end = f"start_{day}_{row}", f"end_{day}_{row}"
                missing = (data.get(start) is None, data.get(end) is None)
                if missing[0] != missing[1] and start not in self.errors and end not in self.errors:
                    self.add_error(end if missing[1] else start, _("Give both times, or neither."))
        return data

    def slots(self) -> list[WeeklySlot]:
        """The ranges typed, in the order of the rows, as ``weekly_hours_replace`` takes them."""
        slots: list[WeeklySlot] = []
        self._sent = []
        for day, rows in self.rows.items():
            for row, hours in enumerate(rows):
                start = self.cleaned_data.get(f"start_{day}_{row}")
                if start is not None:
                    end = self.cleaned_data[f"end_{day}_{row}"]
                    slots.append(WeeklySlot(weekday=day, start_time=start, end_time=end))
                    self._sent.append(hours)
        return slots

    def place(self, error: ServiceError) -> ServiceError:
        """Puts the service's refusal of one range (``[index]`` of what ``slots`` gave)
        beside its row; returns the error with the rest of its details."""
        rest: dict[str, Any] = {}
        for key, messages in (error.details or {}).items():
            item = SLOT_KEY.match(key)
            if item is None or int(item["index"]) >= len(self._sent):
                rest[key] = messages
                continue
            self._sent[int(item["index"])].errors.append(error.message)
        left = ServiceError(error.message, code=error.code, details=rest)
        left.status = error.status
        return left


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


# Fields drawn together in a fieldset of the listing form, under their legend.
FIELD_SETS = (
    (_("When"), ("starts_at", "ends_at")),
    (_("Where"), ("location_name", "latitude", "longitude")),
)


class ListingForm(forms.Form):
    """A listing's own fields, and those its listing type is edited with
    (catalog.services.listing_input.listing_fields): a price, a stock, an event's dates and
    place. Packages and ticket tiers are the page's sets (themes.pages.provider.listing_sets).
    Whether a listing is complete enough to publish is the service's to say, beside the field."""

    title = forms.CharField(label=_("Title"), max_length=140)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    description = forms.CharField(
        label=_("Description"), max_length=20_000, required=False, widget=forms.Textarea(TEXTAREA)
    )

    def __init__(self, *args, categories, listing_type: ListingType, currency: str,
                 time_zone: str, listing_types=None, **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.currency = currency
        cast(forms.ChoiceField, self.fields["category"]).choices = categories
        if listing_types is not None:
            self.fields["listing_type"] = forms.TypedChoiceField(
                label=_("Kind of listing"), coerce=int, choices=listing_types
            )
            self.order_fields(["listing_type"])
        wanted = listing_fields(listing_type)
        if "price_minor" in wanted:
            per_minute = listing_type.pricing == ListingType.Pricing.PER_MINUTE
            label = _("Price per minute") if per_minute else _("Price")
            self.fields["price_minor"] = MoneyField(currency=currency, label=label,
                                                    help_text=currency)  # fmt: skip
        if "stock" in wanted:
            self.fields["stock"] = forms.IntegerField(
                label=_("Units in stock"), min_value=0, required=False,
                help_text=_("Leave empty when there is no limit."),
            )  # fmt: skip
        if "starts_at" in wanted:
            self.fields["starts_at"] = datetime_field(_("Starts"), time_zone=time_zone)
            self.fields["ends_at"] = datetime_field(_("Ends"), time_zone=time_zone)
        if "location_name" in wanted:
            self.fields["location_name"] = forms.CharField(
                label=_("Venue"), max_length=120, required=False,
                help_text=_("Its name and town; needed to publish."),
            )  # fmt: skip
            coordinates = _("Optional, for searches near a place: as a map shows it, in degrees.")
            for name, label in (("latitude", _("Latitude")), ("longitude", _("Longitude"))):
                self.fields[name] = forms.DecimalField(label=label, required=False,
                                                       help_text=coordinates)  # fmt: skip
                self.fields[name].widget.attrs.update(inputmode="decimal", step="any")

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields in the order drawn: the listing's own, then "When" and "Where" sets."""
        grouped = [name for _legend, names in FIELD_SETS for name in names]
        groups: list[tuple[Any, list[forms.BoundField]]] = [
            (None, [bound for bound in self.visible_fields() if bound.name not in grouped])
        ]
        for legend, names in FIELD_SETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append((legend, fields))
        return groups

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("listing_type", None)
        data["category_id"] = data.pop("category")
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
