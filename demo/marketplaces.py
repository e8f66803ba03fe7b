"""Demo marketplaces: each ``<preset-slug>.json`` beside this module is one marketplace.

A file names its preset, the marketplace (name, slug, domain, owner) and the people on it:
providers with their public profile, and a few customers. ``manage.py souk_demo`` provisions
them; every demo account shares one password, printed by the command.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from demo.catalog import DemoCatalogCounts, demo_catalog_populate
from tenants.db import connection
from tenants.models import Marketplace
from tenants.presets import PresetError, get_preset

DEMO_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "souk-demo-2026"
MIN_PROVIDERS = 20


class DemoDataError(ValueError):
    pass


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    display_name: str


@dataclass(frozen=True)
class DemoProvider:
    email: str
    display_name: str
    tagline: str
    bio: str
    location_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    categories: tuple[str, ...]


@dataclass(frozen=True)
class DemoGift:
    """An item of the live streams' gift catalogue, in the preset's currency."""

    name: str
    icon: str
    price_minor: int


@dataclass(frozen=True)
class DemoMarketplace:
    preset: str
    name: str
    slug: str
    domain: str
    owner_email: str
    providers: tuple[DemoProvider, ...]
    customers: tuple[DemoCustomer, ...]
    gifts: tuple[DemoGift, ...] = ()


def _category_slugs(nodes: list[dict[str, Any]]) -> set[str]:
    slugs: set[str] = set()
    for node in nodes:
        slugs.add(node["slug"])
        slugs |= _category_slugs(node.get("children", []))
    return slugs


def _parse(data: dict[str, Any], source: str) -> DemoMarketplace:
    try:
        preset = get_preset(data["preset"])
    except PresetError as exc:
        raise DemoDataError(f"{source}: {exc}") from None
    providers = tuple(
        DemoProvider(
            email=item["email"],
            display_name=item["display_name"],
            tagline=item.get("tagline", ""),
            bio=item.get("bio", ""),
            location_name=item.get("location_name", ""),
            latitude=item.get("latitude"),
            longitude=item.get("longitude"),
            categories=tuple(item.get("categories", [])),
        )
        for item in data["providers"]
    )
    customers = tuple(DemoCustomer(**item) for item in data.get("customers", []))
    gifts = tuple(DemoGift(**item) for item in data.get("gifts", []))
    for gift in gifts:
        if isinstance(gift.price_minor, bool) or not isinstance(gift.price_minor, int):
            raise DemoDataError(f"{source}: gift {gift.name!r} needs a whole price_minor")
        if gift.price_minor <= 0:
            raise DemoDataError(f"{source}: gift {gift.name!r} needs a positive price")
    if len(providers) < MIN_PROVIDERS:
        raise DemoDataError(f"{source}: at least {MIN_PROVIDERS} providers, not {len(providers)}")
    emails = [data["owner_email"], *(p.email for p in providers), *(c.email for c in customers)]
    if len({email.lower() for email in emails}) != len(emails):
        raise DemoDataError(f"{source}: every e-mail address must be unique")
    known = _category_slugs(preset.categories)
    for provider in providers:
        unknown = set(provider.categories) - known
        if unknown:
            raise DemoDataError(
                f"{source}: {provider.email} has categories {sorted(unknown)} "
                f"that preset {preset.slug!r} does not define"
            )
        if (provider.latitude is None) != (provider.longitude is None):
            raise DemoDataError(f"{source}: {provider.email} needs both latitude and longitude")
    return DemoMarketplace(
        preset=preset.slug,
        name=data["name"],
        slug=data["slug"],
        domain=data["domain"],
        owner_email=data["owner_email"],
        providers=providers,
        customers=customers,
        gifts=gifts,
    )


def demo_marketplaces() -> list[DemoMarketplace]:
    demos = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        # Decimal, not float: coordinates land in DecimalFields exactly as written.
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        if data.get("preset") != path.stem:
            raise DemoDataError(f"{path.name}: preset must match the file name")
        demos.append(_parse(data, path.name))
    return demos


@dataclass(frozen=True)
class ProvisionedDemo:
    marketplace: Marketplace
    catalog: DemoCatalogCounts


def demo_marketplace_provision(
    *, demo: DemoMarketplace, actor: str = "souk_demo"
) -> ProvisionedDemo:
    """Create the marketplace, its people and their catalogue (listings, hours, photos).

    One transaction: a failure leaves no rows (photos already written stay on disk).
    """
    from tenants.services import marketplace_create

    with transaction.atomic():
        marketplace = marketplace_create(
            preset=demo.preset,
            name=demo.name,
            slug=demo.slug,
            domain=demo.domain,
            owner_email=demo.owner_email,
            owner_password=DEMO_PASSWORD,
            actor=actor,
        )
        connection.set_tenant(marketplace)
        try:
            counts = _populate(demo)
        finally:
            connection.set_schema_to_public()
    return ProvisionedDemo(marketplace=marketplace, catalog=counts)


def _populate(demo: DemoMarketplace) -> DemoCatalogCounts:
    from accounts.models import User
    from accounts.services import user_create
    from catalog.models import Category, ProviderProfile

    providers = [
        (
            user_create(
                email=item.email,
                role=User.Role.PROVIDER,
                display_name=item.display_name,
                email_verified=True,
            ),
            item,
        )
        for item in demo.providers
    ]
    customers = [
        user_create(
            email=item.email,
            role=User.Role.CUSTOMER,
            display_name=item.display_name,
            email_verified=True,
        )
        for item in demo.customers
    ]
    # An Argon2 hash costs tens of milliseconds; the demo accounts share one password, so
    # it is hashed once rather than once per account.
    User.objects.filter(
        pk__in=[user.pk for user, _ in providers] + [c.pk for c in customers]
    ).update(password=make_password(DEMO_PASSWORD))

    profiles = ProviderProfile.objects.bulk_create(
        ProviderProfile(
            user=user,
            display_name=item.display_name,
            tagline=item.tagline,
            bio=item.bio,
            location_name=item.location_name,
            latitude=item.latitude,
            longitude=item.longitude,
        )
        for user, item in providers
    )
    category_ids = dict(Category.objects.values_list("slug", "pk"))
    Through = ProviderProfile.categories.through
    Through.objects.bulk_create(
        Through(providerprofile_id=profile.pk, category_id=category_ids[slug])
        for profile, (_, item) in zip(profiles, providers, strict=True)
        for slug in item.categories
    )
    preset = get_preset(demo.preset)
    from bookings.models import Gift

    Gift.objects.bulk_create(
        Gift(name=gift.name, icon=gift.icon, price_minor=gift.price_minor,
             currency=preset.default_currency, sort_order=position)
        for position, gift in enumerate(demo.gifts)
    )  # fmt: skip
    from demo.payments import demo_payment_providers_configure

    demo_payment_providers_configure(providers=preset.payment_providers)
    counts = demo_catalog_populate(
        preset=preset,
        people=[(profile, item) for profile, (_, item) in zip(profiles, providers, strict=True)],
        currency=preset.default_currency,
    )
    if customers:
        from demo.bookings import demo_bookings_populate

        counts.bookings = demo_bookings_populate(
            customers=customers, rng=random.Random(f"bookings-{demo.slug}")
        )
    return counts
