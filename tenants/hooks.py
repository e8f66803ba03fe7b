"""What provisioning asks of the apps above tenants: seeding a marketplace from its preset, and
its owner's account.

A preset (tenants.presets) carries data for apps above tenants: the category tree and listing
types (catalog), the theme (themes). tenants imports none of them (docs/architecture-notes.md,
layers): each registers a seeder for its parts of the preset in its ``AppConfig.ready``, and
provisioning runs them in the new marketplace's schema. ``preset_seeders()`` fails loudly
(``ImproperlyConfigured``) when a part of the preset has no seeder, rather than provisioning
a marketplace without it.

The owner's account and welcome mail belong to accounts, which registers the one
``OwnerProvisioner`` in its ``AppConfig.ready``; ``owner_provisioner()`` raises
``ImproperlyConfigured`` when none is registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from tenants.presets import Preset

# The parts of a preset that rows of an upper app hold, each seeded by exactly one seeder.
PRESET_PARTS = ("categories", "listing_types", "theme")


class Seed(Protocol):
    def __call__(self, *, preset: Preset) -> dict[str, int]:
        """Write the preset's parts into the current schema; idempotent: rows that exist are
        left as the marketplace's staff edited them. Returns how many rows of each part were
        added, by part."""
        ...


@dataclass(frozen=True)
class PresetSeeder:
    parts: tuple[str, ...]
    seed: Seed


_seeders: list[PresetSeeder] = []


def register_preset_seeder(*, parts: tuple[str, ...], seed: Seed) -> None:
    if PresetSeeder(parts=parts, seed=seed) in _seeders:
        return  # ready() ran again
    unknown = set(parts) - set(PRESET_PARTS)
    taken = set(parts) & {part for seeder in _seeders for part in seeder.parts}
    if unknown or taken:
        raise ImproperlyConfigured(
            f"A preset seeder for {parts}: unknown parts {sorted(unknown)}, parts already "
            f"seeded {sorted(taken)}."
        )
    _seeders.append(PresetSeeder(parts=parts, seed=seed))


def preset_seeders() -> list[PresetSeeder]:
    """The registered seeders, in the order of PRESET_PARTS."""
    by_part = {part: seeder for seeder in _seeders for part in seeder.parts}
    missing = [part for part in PRESET_PARTS if part not in by_part]
    if missing:
        raise ImproperlyConfigured(
            f"No app seeds the preset's {', '.join(missing)}: catalog and themes register "
            "their seeders in AppConfig.ready; are they in TENANT_APPS?"
        )
    return sorted(_seeders, key=lambda seeder: PRESET_PARTS.index(seeder.parts[0]))


class OwnerProvisioner(Protocol):
    def __call__(self, *, email: str, password: str | None, schema_name: str) -> None:
        """Create the new marketplace's owner (its own admin) in the current schema, which is
        ``schema_name``, inside provisioning's transaction, and queue the welcome mail on
        commit."""
        ...


_owner_provisioner: OwnerProvisioner | None = None


def register_owner_provisioner(provision: OwnerProvisioner) -> None:
    global _owner_provisioner
    if _owner_provisioner is not None and _owner_provisioner != provision:
        raise ImproperlyConfigured(
            f"An owner provisioner is registered already ({_owner_provisioner!r}); "
            f"refusing {provision!r}."
        )
    _owner_provisioner = provision


def owner_provisioner() -> OwnerProvisioner:
    if _owner_provisioner is None:
        raise ImproperlyConfigured(
            "No app provisions a marketplace's owner: accounts registers its provisioner in "
            "AppConfig.ready; is it in TENANT_APPS?"
        )
    return _owner_provisioner
