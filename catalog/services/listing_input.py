"""Parsing and checking of listing input against its listing type's pricing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from catalog.models import Category, Listing, ListingPackage, ListingType
from catalog.services._common import (
    clean_amount,
    clean_coordinates,
    clean_tags,
    marketplace,
)
from catalog.services.html import sanitise_html
from catalog.services.listing_types import PACKAGE_TIERS
from config.errors import InvalidInput

Pricing = ListingType.Pricing
MAX_PACKAGES = 3


class PackageInput(TypedDict, total=False):
    tier: str
    name: str
    description: str
    price_minor: int
    delivery_days: int
    revisions: int


class TicketTierInput(TypedDict, total=False):
    name: str
    description: str
    price_minor: int
    capacity: int
    sales_start: datetime | None
    sales_end: datetime | None


class ListingChanges(TypedDict, total=False):
    title: str
    description: str
    category_id: int
    tags: list[str]
    price_minor: int
    currency: str
    stock: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    location_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    packages: list[PackageInput]
    ticket_tiers: list[TicketTierInput]


# Which optional inputs each pricing understands; anything else is refused, not ignored.
TYPE_FIELDS: dict[str, frozenset[str]] = {
    Pricing.DATE_SLOT: frozenset({"price_minor"}),
    Pricing.PER_MINUTE: frozenset({"price_minor"}),
    Pricing.QUOTE: frozenset({"price_minor"}),
    Pricing.PACKAGES: frozenset({"packages"}),
    Pricing.TICKETS: frozenset({"ticket_tiers", "starts_at", "ends_at"}),
    Pricing.PRODUCT: frozenset({"price_minor", "stock"}),
}
TYPE_SPECIFIC = frozenset(
    {"price_minor", "packages", "ticket_tiers", "starts_at", "ends_at", "stock"}
)
# Pricings whose listings have a place of their own (an event's venue, named before it is
# published); the others are found where their provider is (catalog.search.geo).
OWN_PLACE = frozenset({Pricing.TICKETS})
PLACE_FIELDS = frozenset({"location_name", "latitude", "longitude"})


def listing_fields(listing_type: ListingType) -> frozenset[str]:
    """The fields beyond title, category, description and tags that a listing of this type
    is edited with: its pricing's (without ``stock`` where the type keeps none) and, for a
    listing with a place of its own, that place."""
    fields = set(TYPE_FIELDS[listing_type.pricing])
    if listing_type.config.get("stock") is False:
        fields.discard("stock")
    if listing_type.pricing in OWN_PLACE:
        fields |= PLACE_FIELDS
    return frozenset(fields)


# Validation


def _check_fields_fit_type(listing_type: ListingType, changes: ListingChanges) -> None:
    allowed = TYPE_FIELDS[listing_type.pricing]
    foreign = sorted(f for f in changes if f in TYPE_SPECIFIC and f not in allowed)
    if foreign:
        raise InvalidInput(
            _("A “%(name)s” listing does not take these fields.") % {"name": listing_type.name},
            code="field_not_for_type",
            details={
                field: [_("Not used by %(pricing)s pricing.") % {"pricing": listing_type.pricing}]
                for field in foreign
            },
        )


def _clean_currency(currency: str) -> str:
    tenant = marketplace()
    currency = currency.strip().upper()
    accepted = list(tenant.accepted_currencies or [tenant.default_currency])
    if currency not in accepted:
        raise InvalidInput(
            _("This marketplace does not accept this currency."),
            code="currency_not_accepted",
            details={"currency": [_("One of %(accepted)s.") % {"accepted": accepted}]},
        )
    return currency


def _clean_category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise InvalidInput(
            _("The category does not exist."),
            code="unknown_category",
            details={
                "category": [_("No category %(category_id)s.") % {"category_id": category_id}]
            },
        )
    return category


def package_tiers(listing_type: ListingType) -> list[str]:
    """The package tiers a listing of this type may offer, in their order."""
    return list(listing_type.config.get("tiers") or PACKAGE_TIERS)


def clean_packages(listing_type: ListingType, packages: list[PackageInput]) -> list[PackageInput]:
    allowed = package_tiers(listing_type)
    if len(packages) > min(MAX_PACKAGES, len(allowed)):
        raise InvalidInput(
            _("At most %(limit)s packages.") % {"limit": min(MAX_PACKAGES, len(allowed))},
            code="too_many_packages",
            details={"packages": [_("One per tier: %(allowed)s.") % {"allowed": allowed}]},
        )
    seen: set[str] = set()
    cleaned = []
    for index, package in enumerate(packages):
        tier = package.get("tier", "")
        where = f"packages[{index}]"
        if tier not in allowed or tier in seen:
            raise InvalidInput(
                _("Each package needs its own tier."),
                details={
                    where: [_("tier must be one of %(allowed)s, each once.") % {"allowed": allowed}]
                },
            )
        seen.add(tier)
        days = package.get("delivery_days", 0)
        if not isinstance(days, int) or days < 1:
            raise InvalidInput(
                _("Delivery takes at least a day."), details={where: [_("delivery_days ≥ 1.")]}
            )
        revisions = package.get("revisions", 0)
        if not isinstance(revisions, int) or revisions < 0:
            raise InvalidInput(
                _("Revisions may not be negative."), details={where: [_("revisions ≥ 0.")]}
            )
        cleaned.append(
            PackageInput(
                tier=tier,
                name=(package.get("name") or tier.title()).strip(),
                description=sanitise_html(package.get("description", "")),
                price_minor=clean_amount(
                    package.get("price_minor"), field=f"{where}.price_minor", allow_none=False
                ),
                delivery_days=days,
                revisions=revisions,
            )
        )
    return cleaned


PACKAGE_TERMS = ("name", "description", "price_minor", "delivery_days", "revisions")


def replace_packages(listing: Listing, packages: list[PackageInput], *, now: datetime) -> None:
    """Make ``packages`` (cleaned) the listing's current packages.

    A package is never edited in place, because orders read their package's terms (delivery
    days, revisions). An unchanged package keeps its row and id; one whose tier is dropped or
    whose terms change is deleted if no order refers to it (PROTECT says so), else archived:
    no longer offered, still the package of its orders. The current rows are locked first, so
    an order being made for one of them (which locks it too) is either seen here or waits
    and finds it gone.
    """
    current = {
        package.tier: package
        for package in ListingPackage.objects.select_for_update()
        .filter(listing=listing, archived_at__isnull=True)
        .order_by("pk")
    }
    wanted = {package["tier"]: package for package in packages}
    for tier, package in current.items():
        new = wanted.get(tier)
        if new is not None and all(getattr(package, f) == new.get(f) for f in PACKAGE_TERMS):
            del wanted[tier]
            continue
        try:
            with transaction.atomic():
                package.delete()
        except ProtectedError:
            package.archived_at = now
            package.save(update_fields=["archived_at"])
    ListingPackage.objects.bulk_create(
        ListingPackage(listing=listing, **package) for package in wanted.values()
    )


def clean_ticket_tiers(tiers: list[TicketTierInput]) -> list[TicketTierInput]:
    names: set[str] = set()
    cleaned = []
    for index, tier in enumerate(tiers):
        where = f"ticket_tiers[{index}]"
        name = (tier.get("name") or "").strip()
        if not name or name.lower() in names:
            raise InvalidInput(
                _("Each ticket tier needs its own name."), details={where: [_("name.")]}
            )
        names.add(name.lower())
        capacity = tier.get("capacity", 0)
        if not isinstance(capacity, int) or capacity < 1:
            raise InvalidInput(
                _("A tier holds at least one ticket."), details={where: [_("capacity ≥ 1.")]}
            )
        start, end = tier.get("sales_start"), tier.get("sales_end")
        if start and end and end <= start:
            raise InvalidInput(
                _("Sales must end after they start."), details={where: [_("sales_end.")]}
            )
        cleaned.append(
            TicketTierInput(
                name=name,
                description=(tier.get("description") or "").strip(),
                price_minor=clean_amount(
                    tier.get("price_minor"), field=f"{where}.price_minor", allow_none=False
                ),
                capacity=capacity,
                sales_start=start,
                sales_end=end,
            )
        )
    return cleaned


def apply_changes(listing: Listing, listing_type: ListingType, changes: ListingChanges) -> None:
    _check_fields_fit_type(listing_type, changes)
    if "title" in changes:
        title = changes["title"].strip()
        if not title:
            raise InvalidInput(_("A title is required."), details={"title": [_("Required.")]})
        listing.title = title
    if "description" in changes:
        listing.description = sanitise_html(changes["description"])
    if "category_id" in changes:
        listing.category = _clean_category(changes["category_id"])
    if "tags" in changes:
        listing.tags = clean_tags(changes["tags"])
    if "currency" in changes:
        listing.currency = _clean_currency(changes["currency"])
    if "price_minor" in changes:
        listing.price_minor = clean_amount(
            changes["price_minor"], field="price_minor", allow_none=False
        )
    if "stock" in changes:
        stock = clean_amount(changes["stock"], field="stock")
        if stock is not None and "stock" not in listing_fields(listing_type):
            raise InvalidInput(
                _("This product type has no stock (digital goods are unlimited)."),
                details={"stock": [_("Must be null.")]},
            )
        listing.stock = stock
    for field in ("starts_at", "ends_at", "location_name"):
        if field in changes:
            setattr(listing, field, changes[field])
    if listing.starts_at and listing.ends_at and listing.ends_at <= listing.starts_at:
        raise InvalidInput(
            _("The event must end after it starts."), details={"ends_at": [_("After starts_at.")]}
        )
    if "latitude" in changes or "longitude" in changes:
        listing.latitude, listing.longitude = clean_coordinates(
            changes.get("latitude", listing.latitude), changes.get("longitude", listing.longitude)
        )
