"""Listing types are data the booking flows read; staff keep them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from bookings.processes import ProcessError, all_processes
from catalog.models import ListingType
from catalog.services._common import require_staff
from config.errors import InvalidInput, NotFound, StateConflict

CHANNELS = ("chat", "phone", "video")
PACKAGE_TIERS = ("basic", "standard", "premium")


def _clean_config(pricing: str, config: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise InvalidInput("config must be an object.", details={"config": ["Must be an object."]})
    if pricing == ListingType.Pricing.PER_MINUTE:
        channels = config.get("channels", list(CHANNELS))
        if not channels or not set(channels) <= set(CHANNELS):
            raise InvalidInput(
                "Per-minute channels are chat, phone and video.",
                details={"config": [f"channels must be a non-empty subset of {list(CHANNELS)}."]},
            )
    if pricing == ListingType.Pricing.PACKAGES:
        tiers = config.get("tiers", list(PACKAGE_TIERS))
        if not tiers or not set(tiers) <= set(PACKAGE_TIERS):
            raise InvalidInput(
                "Package tiers are basic, standard and premium.",
                details={"config": [f"tiers must be a non-empty subset of {list(PACKAGE_TIERS)}."]},
            )
    return config


def _check_process(process: str, config: dict[str, Any]) -> None:
    """The process must exist, and the config must hold what its timers read."""
    try:
        definition = all_processes()[process]
    except (KeyError, ProcessError):
        raise InvalidInput(
            "Unknown transaction process.",
            details={"process": [f"One of {sorted(all_processes())}."]},
        ) from None
    missing = sorted(
        timer.delay_config_key
        for timer in definition.timers
        if timer.delay_config_key and timer.delay_config_key not in config
    )
    if missing:
        raise InvalidInput(
            f"The {process} process needs {', '.join(missing)} in the config.",
            details={"config": [f"Missing {key}." for key in missing]},
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
            "Unknown pricing.", details={"pricing": [f"One of {ListingType.Pricing.values}."]}
        )
    slug = slugify(slug or name)[:80]
    if not slug:
        raise InvalidInput("The slug may not be empty.", details={"slug": ["Required."]})
    if ListingType.objects.filter(slug=slug).exists():
        raise StateConflict("Another listing type uses this slug.", code="slug_taken")
    _check_process(process, config or {})
    return ListingType.objects.create(
        name=name.strip(),
        slug=slug,
        pricing=pricing,
        process=process,
        names=names or {},
        config=_clean_config(pricing, config or {}),
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
        raise NotFound("No such listing type.")
    if pricing is not None and pricing != listing_type.pricing:
        if pricing not in ListingType.Pricing.values:
            raise InvalidInput("Unknown pricing.", details={"pricing": ["Unknown."]})
        if listing_type.listings.exists():
            raise StateConflict(
                "Listings use this type; its pricing can no longer change.",
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
    listing_type.config = _clean_config(listing_type.pricing, listing_type.config)
    _check_process(listing_type.process, listing_type.config)
    listing_type.save()
    return listing_type
