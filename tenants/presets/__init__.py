"""Presets are data: each ``<slug>.json`` beside this module is one vertical.

A new vertical is a new JSON file with the same keys; no code branches on a preset's name.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PRESET_DIR = Path(__file__).resolve().parent
PRICING_MODELS = {"date_slot", "per_minute", "quote", "packages", "tickets", "product"}
REQUIRED_KEYS = {
    "slug",
    "name",
    "default_currency",
    "languages",
    "default_language",
    "text_direction",
    "time_zone",
    "fees",
    "payment_providers",
    "theme",
    "categories",
    "listing_types",
}
FEE_KEYS = {"commission_bps", "buyer_fee_bps", "minimum_fee_minor", "deposit_bps"}


class PresetError(ValueError):
    pass


@dataclass(frozen=True)
class Preset:
    slug: str
    name: str
    description: str
    default_currency: str
    accepted_currencies: tuple[str, ...]
    languages: tuple[str, ...]
    default_language: str
    text_direction: str
    time_zone: str
    fees: dict[str, int]
    payment_providers: tuple[str, ...]
    mask_contact_details: bool
    theme: dict[str, Any]
    categories: list[dict[str, Any]] = field(default_factory=list)
    listing_types: list[dict[str, Any]] = field(default_factory=list)

    def marketplace_fields(self) -> dict[str, Any]:
        """The Marketplace columns this preset decides."""
        return {
            "preset": self.slug,
            "default_currency": self.default_currency,
            "accepted_currencies": list(self.accepted_currencies),
            "languages": list(self.languages),
            "default_language": self.default_language,
            "text_direction": self.text_direction,
            "time_zone": self.time_zone,
            "payment_providers": list(self.payment_providers),
            "mask_contact_details": self.mask_contact_details,
            **self.fees,
        }


def _parse(data: dict[str, Any], source: str) -> Preset:
    missing = REQUIRED_KEYS - data.keys()
    if missing:
        raise PresetError(f"{source}: missing keys {sorted(missing)}")
    if set(data["fees"]) != FEE_KEYS:
        raise PresetError(f"{source}: fees must have exactly {sorted(FEE_KEYS)}")
    for listing_type in data["listing_types"]:
        if listing_type.get("pricing") not in PRICING_MODELS:
            raise PresetError(f"{source}: unknown pricing {listing_type.get('pricing')!r}")
    if data["default_language"] not in data["languages"]:
        raise PresetError(f"{source}: default_language must be one of languages")
    return Preset(
        slug=data["slug"],
        name=data["name"],
        description=data.get("description", ""),
        default_currency=data["default_currency"],
        accepted_currencies=tuple(data.get("accepted_currencies") or [data["default_currency"]]),
        languages=tuple(data["languages"]),
        default_language=data["default_language"],
        text_direction=data["text_direction"],
        time_zone=data["time_zone"],
        fees={key: int(value) for key, value in data["fees"].items()},
        payment_providers=tuple(data["payment_providers"]),
        mask_contact_details=bool(data.get("mask_contact_details", True)),
        theme=data["theme"],
        categories=data["categories"],
        listing_types=data["listing_types"],
    )


@cache
def all_presets() -> dict[str, Preset]:
    presets = {}
    for path in sorted(PRESET_DIR.glob("*.json")):
        preset = _parse(json.loads(path.read_text(encoding="utf-8")), path.name)
        if preset.slug != path.stem:
            raise PresetError(f"{path.name}: slug {preset.slug!r} must match the file name")
        presets[preset.slug] = preset
    return presets


def get_preset(slug: str) -> Preset:
    try:
        return all_presets()[slug]
    except KeyError:
        raise PresetError(f"Unknown preset {slug!r}.") from None
