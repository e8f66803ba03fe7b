"""The staff pages' forms. Each renders its inputs (labels, kept values, errors beside the
field) and validates what was typed with the API endpoint's own serializer, so a page accepts
exactly what the API accepts; the service's refusals are put beside the fields they name."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from api.views import MarketplaceLimitsSerializer
from billing.api.payouts import PayoutConfirmSerializer, PayoutFailSerializer
from billing.api.providers import ProviderConfigureSerializer
from bookings.api.disputes import ResolveInputSerializer
from bookings.api.refunds import BookingRefundCreateSerializer
from bookings.api.reviews import DecideAppealInputSerializer, DecideInputSerializer
from bookings.services.limits import SETTING_RANGES
from catalog.api.taxonomy import (
    CategoryCreateSerializer,
    CategoryUpdateSerializer,
    ListingTypeCreateSerializer,
    ListingTypeUpdateSerializer,
)
from catalog.models import ListingType
from config.errors import ServiceError
from themes.pages.common import form_refusal

# Refusals that name no field but are about one.
CODE_FIELDS = {"slug_taken": "slug", "listing_type_in_use": "pricing"}


class SerializerForm(forms.Form):
    """A form whose cleaned data goes through ``serializer_class`` (the API's); ``validated``
    holds the serializer's data. ``payload()`` shapes the cleaned data as the API's JSON;
    ``{"names": {"ar": ...}}`` is read from and reported on the field ``names_ar``."""

    serializer_class: type
    validated: dict[str, Any]

    def payload(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in cleaned.items() if value not in (None, "")}

    def serializer_kwargs(self) -> dict[str, Any]:
        return {}

    def clean(self):
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        serializer = self.serializer_class(data=self.payload(cleaned), **self.serializer_kwargs())
        if serializer.is_valid():
            self.validated = dict(serializer.validated_data)
        else:
            self.place(serializer.errors)
        return cleaned

    def place(self, errors: dict) -> None:
        for name, found in errors.items():
            if isinstance(found, dict):
                for part, messages in found.items():
                    target = f"{name}_{part}"
                    for message in messages if isinstance(messages, list) else [messages]:
                        self.add_error(target if target in self.fields else None, str(message))
                continue
            for message in found:
                self.add_error(name if name in self.fields else None, str(message))

    def refuse(self, error: ServiceError) -> int:
        """A service's refusal beside its fields (``names_ar`` for ``names``' ``ar``)."""
        details = {}
        for name, found in (error.details or {}).items():
            if isinstance(found, dict):
                details.update({f"{name}_{part}": value for part, value in found.items()})
            else:
                details[name] = found
        field = CODE_FIELDS.get(error.code)
        if not details and field in self.fields:
            details = {field: [error.message]}
        error.details = details
        return form_refusal(self, error)


def _names_fields(form: forms.Form, label, *, limit: int = 120) -> None:
    """One text per language other than English (the name is the English one)."""
    for code, language in settings.LANGUAGES:
        if code == "en":
            continue
        form.fields[f"names_{code}"] = forms.CharField(
            label=f"{label} ({language})",
            required=False,
            max_length=limit,
            widget=forms.TextInput(attrs={"lang": code, "dir": "auto"}),
        )


def _with_names(cleaned: dict[str, Any]) -> dict[str, Any]:
    payload, names = {}, {}
    for name, value in cleaned.items():
        if name.startswith("names_"):
            if value:
                names[name.removeprefix("names_")] = value
        elif value not in (None, ""):
            payload[name] = value
    if names:
        payload["names"] = names
    return payload


def names_initial(names: dict[str, str] | None) -> dict[str, str]:
    return {f"names_{code}": text for code, text in (names or {}).items()}


class LimitsForm(SerializerForm):
    serializer_class = MarketplaceLimitsSerializer
    LABELS = {
        "customer_hold_limit": _("Unpaid holds per customer and listing (0: no limit)"),
        "customer_unit_limit": _("Tickets or units per customer and listing (0: no limit)"),
        "customer_booking_rate": _("Bookings per customer per hour (0: no limit)"),
        "booking_horizon_days": _("How many days ahead a booking may end"),
        "minimum_payout_minor": _("Least a provider keeps after fees (minor units)"),
        "balance_due_days": _("Balance due this many days before the start (0: none)"),
        "balance_grace_hours": _("Hours an unpaid balance waits before cancelling"),
        "top_up_minimum_minor": _("Smallest prepaid top-up (minor units)"),
        "top_up_maximum_minor": _("Largest prepaid top-up (minor units)"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            low, high = SETTING_RANGES[name]
            self.fields[name] = forms.IntegerField(label=label, min_value=low, max_value=high)


class ProviderForm(SerializerForm):
    """A payment provider's setup. Credentials are never shown back: a blank one is kept."""

    serializer_class = ProviderConfigureSerializer
    environment = forms.ChoiceField(label=_("Environment"), choices=())
    enabled = forms.BooleanField(label=_("Take payments through it"), required=False)

    def __init__(self, *args, choice, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice = choice
        cast(forms.ChoiceField, self.fields["environment"]).choices = [
            (env, env) for env in choice.environments
        ]
        for name in [*choice.credential_fields, *choice.optional_credential_fields]:
            stored = name in choice.credentials_set
            self.fields[f"credential_{name}"] = forms.CharField(
                label=name,
                required=False,
                strip=False,
                max_length=500,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                help_text=_("Stored; leave blank to keep it.") if stored else _("Not set."),
            )

    def credential_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("credential_")]

    def payload(self, cleaned):
        credentials = {
            name.removeprefix("credential_"): value
            for name, value in cleaned.items()
            if name.startswith("credential_") and value
        }
        return {
            "environment": cleaned["environment"],
            "enabled": cleaned["enabled"],
            "credentials": credentials,
        }

    def refuse(self, error: ServiceError) -> int:
        error.details = {
            (f"credential_{name}" if f"credential_{name}" in self.fields else name): found
            for name, found in (error.details or {}).items()
        }
        return form_refusal(self, error)


class CategoryForm(SerializerForm):
    """Create (with a parent) or edit a category."""

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Slug"), max_length=80, required=False, help_text=_("Blank: made from the name.")
    )
    icon = forms.CharField(label=_("Icon"), max_length=40, required=False)
    parent = forms.TypedChoiceField(
        label=_("Parent"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, parents, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.serializer_class = CategoryCreateSerializer if creating else CategoryUpdateSerializer
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", _("None (top level)")),
            *parents,
        ]
        _names_fields(self, _("Name"))

    def payload(self, cleaned):
        payload = _with_names(cleaned)
        payload.pop("parent", None)
        if self.creating:
            payload["parent"] = cleaned.get("parent")
        else:  # an edit may clear the icon and the translations
            payload["icon"] = cleaned.get("icon", "")
            payload.setdefault("names", {})
        return payload


class ListingTypeForm(SerializerForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Slug"), max_length=80, required=False, help_text=_("Blank: made from the name.")
    )
    pricing = forms.ChoiceField(label=_("Pricing"), choices=ListingType.Pricing.choices)
    process = forms.ChoiceField(label=_("Process"), choices=())
    config = forms.JSONField(
        label=_("Configuration (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, required=False)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from catalog.services.listing_types import process_names

        self.creating = creating
        self.serializer_class = (
            ListingTypeCreateSerializer if creating else ListingTypeUpdateSerializer
        )
        cast(forms.ChoiceField, self.fields["process"]).choices = [
            (name, name) for name in process_names()
        ]
        if not creating:
            del self.fields["slug"]
        _names_fields(self, _("Name"))

    def payload(self, cleaned):
        payload = _with_names(cleaned)
        if cleaned.get("config") is not None:
            payload["config"] = cleaned["config"]
        if not self.creating:
            payload.setdefault("names", {})
        return payload


class ReportDecisionForm(SerializerForm):
    serializer_class = DecideInputSerializer
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold: remove the review")), ("dismiss", _("Dismiss: keep it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealDecisionForm(SerializerForm):
    serializer_class = DecideAppealInputSerializer
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("reinstate", _("Reinstate the review")), ("reject", _("Reject the appeal"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisputeResolveForm(SerializerForm):
    serializer_class = ResolveInputSerializer
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[
            ("release", _("Release to the provider")),
            ("partial_refund", _("Partial refund")),
            ("full_refund", _("Full refund")),
        ],
        widget=forms.RadioSelect,
    )
    refund_minor = forms.IntegerField(
        label=_("Refund (minor units, partial refund only)"), required=False, min_value=1
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefundForm(SerializerForm):
    """A staff refund of a booking; the hidden key makes a resubmitted form refund once."""

    serializer_class = BookingRefundCreateSerializer
    booking_id = forms.IntegerField(label=_("Booking id"), min_value=1)
    amount_minor = forms.IntegerField(
        label=_("Amount (minor units; blank: all that is refundable)"),
        required=False,
        min_value=1,
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)
    idempotency_key = forms.RegexField(
        regex=r"^[!-~]{8,64}$", widget=forms.HiddenInput, initial=lambda: secrets.token_urlsafe(16)
    )

    def payload(self, cleaned):
        return {"amount_minor": cleaned.get("amount_minor"), "reason": cleaned.get("reason", "")}


class PayoutConfirmForm(SerializerForm):
    serializer_class = PayoutConfirmSerializer
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=120)


class PayoutFailForm(SerializerForm):
    serializer_class = PayoutFailSerializer
    reason = forms.CharField(
        label=_("Why it failed"), max_length=60, help_text=_("E.g. bounced, wrong_iban.")
    )
