"""Listing types are data the booking flows read; staff keep them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from catalog.hooks import booking_engine
from catalog.models import ListingType
from config.errors import InvalidInput, NotFound, StateConflict
from tenants.presets import Preset

CHANNELS = ("chat", "phone", "video")
PACKAGE_TIERS = ("basic", "standard", "premium")


def _whole(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high}
        return None

    return check


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else _("true or false")


def _subset(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) for item in value)
            or not set(value) <= set(choices)
        ):
            return _("a non-empty list of %(choices)s") % {"choices": ", ".join(choices)}
        return None

    return check


def _word(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= 40:
        return None
    return _("a word of at most 40 characters")


_HOURS_IN_A_YEAR = 24 * 366
_CANCELLATION_RULES: dict[str, Callable[[Any], str | None]] = {
    "full_refund_hours": _whole(0, _HOURS_IN_A_YEAR),
    "partial_refund_hours": _whole(0, _HOURS_IN_A_YEAR),
    "partial_bps": _whole(0, 10_000),
}


def _cancellation(value: Any) -> str | None:
    expected = _(
        "an object of full_refund_hours, partial_refund_hours (hours of notice) and "
        "partial_bps (0 to 10000), with partial_refund_hours at most full_refund_hours"
    )
    if not isinstance(value, dict) or not set(value) <= set(_CANCELLATION_RULES):
        return expected
    if any(rule(value[key]) for key, rule in _CANCELLATION_RULES.items() if key in value):
        return expected
    rules = {**booking_engine().default_cancellation, **value}
    if rules["partial_refund_hours"] > rules["full_refund_hours"]:
        return expected
    return None


# The config keys the booking flows (and later issues' flows) read, with what each must be.
# Checked on every write, so that a flow never meets a value it cannot use when a customer
# books. Other keys are kept as they are.
CONFIG_RULES: dict[str, Callable[[Any], str | None]] = {
    "channels": _subset(CHANNELS),
    "tiers": _subset(PACKAGE_TIERS),
    "unit": _word,
    "stock": _flag,
    "digital": _flag,
    "deposit": _flag,
    "travel_radius": _flag,
    "qr_tickets": _flag,
    "check_in": _flag,
    "deliverables": _flag,
    "prepaid_balance": _flag,
    # per_minute: a reading may be requested while the reader is offline, as one for later.
    "offline_requests": _flag,
    "billing_unit_seconds": _whole(1, 3600),
    "slot_minutes": _whole(5, 24 * 60),
    # Date bookings: the longest one booking may last (default 72, bookings MAX_SLOT_HOURS).
    "max_slot_hours": _whole(1, 24 * 31),
    "hold_minutes": _whole(1, 24 * 60),
    "quote_expires_hours": _whole(1, 24 * 90),
    "auto_complete_days": _whole(1, 90),
    # 0: no window
    "review_window_days": _whole(0, 366),
    "dispute_window_days": _whole(0, 366),
    "cancellation": _cancellation,
}


def _clean_config(config: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise InvalidInput(
            _("config must be an object."), details={"config": [_("Must be an object.")]}
        )
    problems = [
        _("%(key)s must be %(expected)s.") % {"key": key, "expected": expected}
        for key, rule in CONFIG_RULES.items()
        if key in config and (expected := rule(config[key])) is not None
    ]
    if problems:
        raise InvalidInput(
            _("Some config values are not what the booking flows can use."),
            details={"config": problems},
        )
    return config


def _check_process(process: str, config: dict[str, Any]) -> None:
    """The process must exist, and the config must hold what its timers read."""
    processes = booking_engine().process_timer_keys()
    if process not in processes:
        raise InvalidInput(
            _("Unknown transaction process."),
            details={"process": [_("One of %(values)s.") % {"values": sorted(processes)}]},
        )
    missing = sorted(key for key in processes[process] if key not in config)
    if missing:
        raise InvalidInput(
            _("The %(process)s process needs %(keys)s in the config.")
            % {"process": process, "keys": ", ".join(missing)},
            details={"config": [_("Missing %(key)s.") % {"key": key} for key in missing]},
        )


@transaction.atomic
def listing_type_create(
    *,
    actor,
    name: str,
    pricing: str,
    process: str,
    slug: str = "",
    names: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    position: int = 0,
) -> ListingType:
    require_staff(actor)
    if pricing not in ListingType.Pricing.values:
        raise InvalidInput(
            _("Unknown pricing."),
            details={"pricing": [_("One of %(values)s.") % {"values": ListingType.Pricing.values}]},
        )
    slug = slugify(slug or name)[:80]
    if not slug:
        raise InvalidInput(_("The slug may not be empty."), details={"slug": [_("Required.")]})
    if ListingType.objects.filter(slug=slug).exists():
        raise StateConflict(_("Another listing type uses this slug."), code="slug_taken")
    _check_process(process, config or {})
    return ListingType.objects.create(
        name=name.strip(),
        slug=slug,
        pricing=pricing,
        process=process,
        names=names or {},
        config=_clean_config(config or {}),
        position=position,
    )


@transaction.atomic
def listing_type_update(
    *,
    actor,
    listing_type_id: int,
    name: str | None = None,
    names: dict[str, str] | None = None,
    pricing: str | None = None,
    process: str | None = None,
    config: dict[str, Any] | None = None,
    position: int | None = None,
) -> ListingType:
    require_staff(actor)
    listing_type = ListingType.objects.select_for_update().filter(pk=listing_type_id).first()
    if listing_type is None:
        raise NotFound(_("No such listing type."))
    if pricing is not None and pricing != listing_type.pricing:
        if pricing not in ListingType.Pricing.values:
            raise InvalidInput(_("Unknown pricing."), details={"pricing": [_("Unknown.")]})
        if listing_type.listings.exists():
            raise StateConflict(
                _("Listings use this type; its pricing can no longer change."),
                code="listing_type_in_use",
            )
        listing_type.pricing = pricing
    updates: dict[str, Any] = {
        "name": name,
        "names": names,
        "process": process,
        "position": position,
    }
    for field, value in updates.items():
        if value is not None:
            setattr(listing_type, field, value.strip() if field == "name" else value)
    if config is not None:
        listing_type.config = config
    listing_type.config = _clean_config(listing_type.config)
    _check_process(listing_type.process, listing_type.config)
    listing_type.save()
    return listing_type


def process_names() -> list[str]:
    """The transaction processes a listing type can name."""
    return sorted(booking_engine().process_timer_keys())


def listing_types_seed(*, preset: Preset) -> dict[str, int]:
    """The preset's listing types, for tenants.hooks: types that exist (by slug) are left as
    the marketplace's staff edited them."""
    known_types = set(ListingType.objects.values_list("slug", flat=True))
    new_types = [
        ListingType(
            slug=item["slug"],
            name=item["name"],
            names=item.get("names", {}),
            pricing=item["pricing"],
            process=item["process"],
            config=item.get("config", {}),
            position=position,
        )
        for position, item in enumerate(preset.listing_types)
        if item["slug"] not in known_types
    ]
    ListingType.objects.bulk_create(new_types)
    return {"listing_types": len(new_types)}
