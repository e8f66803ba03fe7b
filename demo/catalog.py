"""Demo catalogue: listings, rates, availability and photos for every demo provider.

Texts come from ``listings/<preset>.json`` (templates by category, with ``{name}``, ``{city}``
and ``{year}`` filled in); what is generated around them (packages, ticket tiers, per-minute
rates, weekly hours) follows the listing type's pricing model, never the preset's name.
Choices are seeded by the provider's e-mail address, so every run builds the same demo.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from demo.images import demo_photo, initials
from tenants.presets import Preset

TEMPLATE_DIR = Path(__file__).resolve().parent / "listings"
# Pricing models whose providers work on dates and keep weekly hours.
HOURS_PRICING = {"date_slot", "quote", "per_minute"}
BLOCKED_DATES_PRICING = {"date_slot", "quote"}
BLOCK_NOTES = ["Private booking", "Holiday", "Travelling", "Family wedding"]


@dataclass
class DemoCatalogCounts:
    listings: int = 0
    packages: int = 0
    ticket_tiers: int = 0
    weekly_hours: int = 0
    blocked_dates: int = 0
    media: int = 0
    bookings: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def _templates(preset: Preset) -> dict[str, Any]:
    path = TEMPLATE_DIR / f"{preset.slug}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _round(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def _fill(text: str, *, profile, year: int) -> str:
    city = (profile.location_name or "").split(",")[0].split(" - ")[0].strip()
    return text.format(name=profile.display_name, city=city or "your area", year=year)


def _weekly_hours(rng: random.Random, pricing: str) -> list[tuple[int, dt.time, dt.time]]:
    t = dt.time
    if pricing == "date_slot":  # evenings and weekends
        days = [(4, t(17), t(23, 30)), (5, t(12), t(23, 30)), (6, t(12), t(22))]
        days += [(d, t(18), t(23)) for d in rng.sample([0, 1, 2, 3], rng.randint(1, 3))]
    elif pricing == "quote":  # six-day week, split by a long lunch
        days = [(d, t(10), t(14)) for d in (5, 6, 0, 1, 2, 3)]
        days += [(d, t(16), t(22)) for d in (5, 6, 0, 1, 2, 3)]
    else:  # live sessions: evenings on some days, a weekend morning
        days = [(d, t(18), t(23)) for d in sorted(rng.sample(range(7), rng.randint(3, 5)))]
        days.append((rng.choice([5, 6]), t(9), t(13)))
    return sorted(days)


def _pool(item, by_category: dict[str, list], parents: dict[str, str | None], rng) -> list:
    """(category slug, template) candidates: the provider's first category first, so their
    main trade comes before side lines; templates shuffled within each category."""
    pool: list[tuple[str | None, Any]] = []
    for slug in item.categories:
        key = slug if slug in by_category else parents.get(slug)
        found = list(by_category.get(key or "", []))
        rng.shuffle(found)
        for template in found:
            if all(template is not t for _, t in pool):
                pool.append((key, template))
    return pool


def demo_catalog_populate(*, preset: Preset, people: list, currency: str) -> DemoCatalogCounts:
    """``people`` is a list of (ProviderProfile, DemoProvider) in the marketplace's schema."""
    from catalog.models import (
        AvailabilityEntry,
        Badge,
        Category,
        Listing,
        ListingPackage,
        ListingType,
        ProviderProfile,
        TicketTier,
        WeeklyHours,
    )
    from catalog.search.index import listings_reindex, profiles_reindex
    from catalog.services.media import media_add

    data = _templates(preset)
    by_category = data["templates"]
    products = data.get("products", {})
    categories = {c.slug: c for c in Category.objects.all()}
    parents = {c.slug: (c.parent.slug if c.parent else None) for c in categories.values()}
    types = list(ListingType.objects.order_by("position", "pk"))
    main_type = next(t for t in types if t.pricing != ListingType.Pricing.PRODUCT)
    product_type = next((t for t in types if t.pricing == ListingType.Pricing.PRODUCT), None)
    pricing = main_type.pricing
    colours = preset.theme["dark" if preset.theme.get("dark_mode") else "light"]
    now = timezone.now()
    counts = DemoCatalogCounts()

    listings: list[Listing] = []
    children: list[tuple[int, dict, str]] = []  # (listing index, template, pricing)
    hours: list[WeeklyHours] = []
    blocks: list[AvailabilityEntry] = []
    slug_numbers = iter(range(1, 100_000))

    def add_listing(profile, listing_type, category_slug, template, rng, **extra) -> None:
        title = _fill(template["title"], profile=profile, year=extra.pop("year", now.year))
        base = slugify(title)[:120] or slugify(category_slug)
        listings.append(
            Listing(
                provider=profile,
                category=categories[category_slug],
                listing_type=listing_type,
                title=title[:140],
                slug=f"{base}-{next(slug_numbers)}",
                description=_fill(template["description"], profile=profile, year=now.year),
                tags=template.get("tags", []),
                currency=currency,
                location_name=profile.location_name,
                latitude=profile.latitude,
                longitude=profile.longitude,
                status=Listing.Status.PUBLISHED,
                published_at=now - dt.timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 23)),
                **extra,
            )
        )
        children.append((len(listings) - 1, template, listing_type.pricing))

    for index, (profile, item) in enumerate(people):
        rng = random.Random(item.email)
        pool = _pool(item, by_category, parents, rng)
        if not pool:
            continue
        chosen = pool[: rng.randint(1, min(3, len(pool)))]
        profile.languages = list(preset.languages)
        profile.featured = index < 3
        rates: list[int] = []
        for category_slug, template in chosen:
            extra: dict[str, Any] = {"featured": index < 5 and not rates}
            if pricing == "tickets":
                starts = (now + dt.timedelta(days=rng.randint(14, 150))).replace(
                    hour=rng.choice([16, 17, 18, 19]), minute=0, second=0, microsecond=0
                )
                extra |= {
                    "starts_at": starts,
                    "ends_at": starts + dt.timedelta(hours=template.get("hours", 3)),
                    "year": starts.year,
                    "price_minor": min(t["price_minor"] for t in template["tiers"]),
                }
            elif pricing == "packages":
                extra["price_minor"] = min(p["price_minor"] for p in template["packages"])
            elif pricing == "per_minute":
                chat = profile.per_minute_rates.get("chat") or rng.choice([149, 199, 249, 299])
                profile.per_minute_rates = {"chat": chat, "phone": chat + 100, "video": chat + 200}
                extra["price_minor"] = chat
            else:
                step = 500 if template["price_minor"] < 100_000 else 5000
                scale = rng.choice([0.8, 0.9, 1.0, 1.1, 1.25])
                extra["price_minor"] = _round(template["price_minor"] * scale, step)
            rates.append(extra["price_minor"])
            add_listing(profile, main_type, category_slug, template, rng, **extra)

        if product_type is not None and rng.random() < 0.5:
            offer = next(
                (products[c][0] for c in item.categories if products.get(c)),
                None,
            )
            if offer is not None:
                category_slug = next(c for c in item.categories if products.get(c))
                add_listing(
                    profile,
                    product_type,
                    category_slug,
                    offer,
                    rng,
                    price_minor=offer["price_minor"],
                    stock=None,
                )

        if main_type.config.get("travel_radius"):
            profile.travel_radius_km = rng.choice([30, 50, 80, 120, 200, 400])
            profile.event_rate_minor = min(rates)
            profile.hourly_rate_minor = _round(min(rates) * 0.45, 500)
            profile.minimum_rate_minor = profile.hourly_rate_minor
            profile.badges = [
                badge
                for badge, chance in (
                    (Badge.INSURANCE, 0.7),
                    (Badge.DBS, 0.3),
                    (Badge.ID, 0.5),
                    (Badge.LICENSED, 0.15),
                )
                if rng.random() < chance
            ]
        elif pricing == "quote":
            profile.minimum_rate_minor = min(rates)
        if pricing == "per_minute":
            profile.is_online = rng.random() < 0.35
            profile.last_seen_at = now - dt.timedelta(minutes=rng.randint(1, 3000))
        profile.tags = sorted({tag.lower() for _, t in chosen for tag in t.get("tags", [])})[:8]

        if pricing in HOURS_PRICING:
            hours += [
                WeeklyHours(provider=profile, weekday=d, start_time=s, end_time=e)
                for d, s, e in _weekly_hours(rng, pricing)
            ]
        if pricing in BLOCKED_DATES_PRICING:
            for day in sorted(rng.sample(range(3, 90), rng.randint(2, 4))):
                blocks.append(
                    AvailabilityEntry(
                        provider=profile,
                        date=(now + dt.timedelta(days=day)).date(),
                        status=AvailabilityEntry.Status.BLOCKED,
                        note=rng.choice(BLOCK_NOTES),
                    )
                )

    Listing.objects.bulk_create(listings)
    packages, tiers = [], []
    for position, template, listing_pricing in children:
        listing = listings[position]
        if listing_pricing == "packages":
            packages += [ListingPackage(listing=listing, **p) for p in template["packages"]]
        elif listing_pricing == "tickets":
            tiers += [
                TicketTier(
                    listing=listing,
                    position=n,
                    sales_start=now,
                    sales_end=listing.starts_at,
                    **tier,
                )
                for n, tier in enumerate(template["tiers"])
            ]
    ListingPackage.objects.bulk_create(packages)
    TicketTier.objects.bulk_create(tiers)
    WeeklyHours.objects.bulk_create(hours)
    AvailabilityEntry.objects.bulk_create(blocks)
    ProviderProfile.objects.bulk_update(
        [profile for profile, _ in people],
        [
            "languages",
            "featured",
            "travel_radius_km",
            "event_rate_minor",
            "hourly_rate_minor",
            "minimum_rate_minor",
            "per_minute_rates",
            "badges",
            "is_online",
            "last_seen_at",
            "tags",
        ],
    )

    # Photos go through the media service like any upload: validated, thumbnailed, stored
    # under this marketplace's prefix.
    for profile, item in people:
        photo = demo_photo(
            primary=colours["primary"],
            accent=colours["accent"],
            text=initials(profile.display_name, item.email),
            seed=item.email,
        )
        media_add(owner=profile, upload=ContentFile(photo, name="profile.jpg"), actor=profile.user)
        counts.media += 1
    for listing in listings:
        photo = demo_photo(
            primary=colours["accent"],
            accent=colours["primary"],
            text=initials(listing.provider.display_name, listing.provider.user.email),
            seed=listing.slug,
        )
        media_add(
            owner=listing,
            upload=ContentFile(photo, name="listing.jpg"),
            actor=listing.provider.user,
        )
        counts.media += 1

    listings_reindex()
    profiles_reindex()

    counts.listings = len(listings)
    counts.packages = len(packages)
    counts.ticket_tiers = len(tiers)
    counts.weekly_hours = len(hours)
    counts.blocked_dates = len(blocks)
    for listing in listings:
        slug = listing.listing_type.slug
        counts.by_type[slug] = counts.by_type.get(slug, 0) + 1
    return counts
