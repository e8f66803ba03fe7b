"""A listing's packages (gigs) and ticket tiers (events) on the provider's listing form.

The page edits every one at once and sends the whole set to the listing service, as the API
does (``packages``, ``ticket_tiers``): the service replaces the set and keeps its rules (one
package per tier of the listing type, tier names unique, a tier with tickets taken is never
dropped). One block per package tier the listing type allows, a tier left empty not offered;
one row per ticket tier, two empty rows for new ones, and a "Remove" box on each existing row,
which also shows the tier's tickets sold, held and still on sale (counted by the listing
selector through bookings' hook, so neither catalog nor this page reads bookings).

A refusal's ``details`` name the set's items by their place in what was sent
(``packages[1].price_minor``, ``ticket_tiers[0]``); ``ListingSets.place`` finds the block or
row that item came from, so the message lands beside it, with what was typed kept.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from catalog.models import Listing, ListingType
from catalog.services.listing_input import PackageInput, TicketTierInput, package_tiers
from catalog.services.listings import NO_PACKAGES, NO_TICKET_TIERS
from config.errors import ServiceError
from themes.pages.provider.common import MoneyField, datetime_field

Pricing = ListingType.Pricing
PACKAGE_LEGENDS = {
    "basic": _("Basic package"),
    "standard": _("Standard package"),
    "premium": _("Premium package"),
}
NEW_TIER_ROWS = 2
# A key of a refusal's details naming one item of a set, and maybe one of its fields.
ITEM_KEY = re.compile(r"^(?P<set>packages|ticket_tiers)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


class PackageForm(forms.Form):
    """One package tier. Left empty, the tier is not offered."""

    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    delivery_days = forms.IntegerField(label=_("Delivery in days"), min_value=1, max_value=365)
    revisions = forms.IntegerField(
        label=_("Revisions included"), min_value=0, max_value=100, required=False
    )

    def __init__(self, data=None, *, tier: str, currency: str, initial: dict[str, Any]):
        super().__init__(data, prefix=f"package-{tier}", initial=initial, empty_permitted=True,
                         use_required_attribute=False)  # fmt: skip
        self.tier = tier
        self.legend = PACKAGE_LEGENDS.get(tier, tier.title())
        self.fields["price_minor"] = MoneyField(currency=currency, label=_("Price"),
                                                help_text=currency)  # fmt: skip
        self.order_fields(["name", "description", "price_minor", "delivery_days", "revisions"])

    def has_changed(self) -> bool:
        # Django skips an empty-permitted form that has not changed. Here a block counts as
        # changed when anything is typed in it: a package shown and sent unchanged is still
        # offered, a block emptied is not.
        return any(str(self[name].data or "").strip() for name in self.fields)

    def package(self) -> PackageInput:
        data = self.cleaned_data
        return PackageInput(
            tier=self.tier,
            name=data["name"],
            description=data["description"],
            price_minor=data["price_minor"],
            delivery_days=data["delivery_days"],
            revisions=data["revisions"] or 0,
        )


class TicketTierForm(forms.Form):
    legend = ""  # set by the formset: the tier's name, or "new"
    # An existing tier's figures (ListingSets): tickets sold, held and still on sale.
    figures: dict[str, int] | None = None
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=280, required=False)

    def __init__(self, *args, currency: str, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_minor"] = MoneyField(currency=currency, label=_("Ticket price"),
                                                help_text=currency)  # fmt: skip
        self.fields["capacity"] = forms.IntegerField(label=_("Tickets on sale"), min_value=1)
        self.fields["sales_start"] = datetime_field(_("Sales start"), time_zone=time_zone,
                                                    required=False)  # fmt: skip
        self.fields["sales_end"] = datetime_field(_("Sales end"), time_zone=time_zone,
                                                  required=False)  # fmt: skip

    def ticket_tier(self) -> TicketTierInput:
        data = self.cleaned_data
        return TicketTierInput(
            name=data["name"],
            description=data["description"],
            price_minor=data["price_minor"],
            capacity=data["capacity"],
            sales_start=data["sales_start"],
            sales_end=data["sales_end"],
        )


class BaseTicketTierFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
        if index is not None and index < self.initial_form_count():
            form.legend = _("Ticket tier: %(name)s") % {"name": form.initial.get("name", "")}
        else:
            number = (index or 0) - self.initial_form_count() + 1
            form.legend = _("New ticket tier %(number)s") % {"number": number}


TicketTierFormSet = forms.formset_factory(
    TicketTierForm,
    formset=BaseTicketTierFormSet,
    extra=NEW_TIER_ROWS,
    can_delete=True,
    can_delete_extra=False,
)


def _package_initial(package) -> dict[str, Any]:
    if package is None:
        return {}
    fields = ("name", "description", "price_minor", "delivery_days", "revisions")
    return {field: getattr(package, field) for field in fields}


def _tier_order(tier) -> tuple[int, int]:
    return tier.position, tier.pk


def _tier_initial(tier) -> dict[str, Any]:
    fields = ("name", "description", "price_minor", "capacity", "sales_start", "sales_end")
    return {field: getattr(tier, field) for field in fields}


def _tier_figures(tier) -> dict[str, int]:
    """Counted by the listing selector (bookings' ticket_tiers_counted hook): held + sold +
    remaining is the capacity."""
    return {
        "sold": tier.sold_count,
        "held": tier.held_count,
        "remaining": tier.remaining,
    }


class ListingSets:
    """The packages or ticket tiers of one listing form (nothing for other pricings)."""

    def __init__(self, data, *, listing_type: ListingType, currency: str, time_zone: str,
                 listing: Listing | None = None):  # fmt: skip
        self.pricing = listing_type.pricing
        self.packages: list[PackageForm] = []
        self.ticket_tiers: forms.BaseFormSet | None = None
        self.package_errors = ErrorList()
        self.tier_errors = ErrorList()
        # What was sent, in order: the service's details name an item by its place here.
        self._sent_packages: list[PackageForm] = []
        self._sent_tiers: list[TicketTierForm] = []
        if self.pricing == Pricing.PACKAGES:
            # The listing's packages are its current ones (catalog.selectors.listings).
            current = {p.tier: p for p in listing.packages.all()} if listing else {}
            self.packages = [
                PackageForm(
                    data, tier=tier, currency=currency, initial=_package_initial(current.get(tier))
                )
                for tier in package_tiers(listing_type)
            ]
        elif self.pricing == Pricing.TICKETS:
            # The listing's tiers are counted (catalog.selectors.listings).
            tiers = sorted(listing.ticket_tiers.all(), key=_tier_order) if listing else []
            self.ticket_tiers = TicketTierFormSet(
                data,
                prefix="ticket_tiers",
                initial=[_tier_initial(tier) for tier in tiers],
                form_kwargs={"currency": currency, "time_zone": time_zone},
            )
            for row, tier in zip(self.ticket_tiers.initial_forms, tiers, strict=False):
                cast(TicketTierForm, row).figures = _tier_figures(tier)

    def is_valid(self) -> bool:
        if self.pricing == Pricing.PACKAGES:
            if not all([form.is_valid() for form in self.packages]):
                return False
            self._sent_packages = [form for form in self.packages if form.has_changed()]
            if not self._sent_packages:
                self.package_errors.append(str(NO_PACKAGES))
            return not self.package_errors
        if self.ticket_tiers is not None:
            if not self.ticket_tiers.is_valid():
                return False
            self._sent_tiers = [
                form for form in self.ticket_tiers.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]  # fmt: skip
            if not self._sent_tiers:
                self.tier_errors.append(str(NO_TICKET_TIERS))
            return not self.tier_errors
        return True

    def changes(self) -> dict[str, Any]:
        """The whole set, as the API's body carries it (after ``is_valid``)."""
        if self.pricing == Pricing.PACKAGES:
            return {"packages": [form.package() for form in self._sent_packages]}
        if self.ticket_tiers is not None:
            return {"ticket_tiers": [form.ticket_tier() for form in self._sent_tiers]}
        return {}

    @property
    def has_errors(self) -> bool:
        rows = [*self.packages, *(self.ticket_tiers.forms if self.ticket_tiers else [])]
        return bool(
            self.package_errors
            or self.tier_errors
            or (self.ticket_tiers is not None and self.ticket_tiers.non_form_errors())
            or any(form.errors for form in rows)
        )

    def place(self, error: ServiceError) -> ServiceError:
        """Puts what ``error`` says of a package or ticket tier beside its block or row;
        returns the error with the rest of its details, for ``form_refusal``."""
        rest: dict[str, Any] = {}
        for key, messages in (error.details or {}).items():
            if not (isinstance(messages, list | tuple) and self._place(key, messages, error)):
                rest[key] = messages
        left = ServiceError(error.message, code=error.code, details=rest)
        left.status = error.status
        return left

    def _place(self, key: str, messages, error: ServiceError) -> bool:
        if key == "packages" and self.packages:
            self.package_errors.extend(str(message) for message in messages)
            return True
        if key == "ticket_tiers" and self.ticket_tiers is not None:
            if error.code == "tier_has_sales":  # details: the names of the tiers kept from going
                return self._place_on_removed(messages, error.message)
            self.tier_errors.extend(str(message) for message in messages)
            return True
        item = ITEM_KEY.match(key)
        if item is None:
            return False
        sent: list[forms.Form] = [
            *(self._sent_packages if item["set"] == "packages" else self._sent_tiers)
        ]
        index = int(item["index"])
        if index >= len(sent):
            return False
        row, field = sent[index], item["field"]
        if field in row.fields:
            row.add_error(field, [str(message) for message in messages])
        else:  # the row as a whole: the error's own sentence says what is wrong
            row.add_error(None, error.message)
        return True

    def _place_on_removed(self, names, message: str) -> bool:
        wanted = {str(name).lower() for name in names}
        assert self.ticket_tiers is not None
        rows = [
            form for form in self.ticket_tiers.initial_forms
            if str(form.initial.get("name", "")).lower() in wanted
        ]  # fmt: skip
        for row in rows:
            row.add_error(None, message)
        return bool(rows)
