"""The seed of bench/search.py: the marketplace "bench-search" with listings and providers made
with bulk_create (1 % of the providers deactivated), reindexed and analysed."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from decimal import Decimal

from bench.common import log

SLUG = "bench-search"
DOMAIN = "bench-search.localhost"
CITIES = {
    "london": (51.5074, -0.1278),
    "manchester": (53.4808, -2.2426),
    "birmingham": (52.4862, -1.8904),
    "leeds": (53.8008, -1.5491),
    "glasgow": (55.8642, -4.2518),
    "bristol": (51.4545, -2.5879),
}
ADJECTIVES = "spectacular breathtaking mesmerising dazzling elegant fiery glowing bold magical "
ADJECTIVES += "hypnotic theatrical family-friendly daring award-winning intimate"
OCCASIONS = "weddings festivals corporate parties birthdays galas launches christmas nightclubs "
OCCASIONS += "carnivals parades fireworks proms"
SETTINGS = "garden beach castle warehouse ballroom marquee rooftop barn stage street"
ACT_WORDS = {
    "fire-breathing": ["fire breathing", "fire breather", "flame breathing"],
    "fire-poi": ["fire poi", "poi spinning", "fire spinning"],
    "fire-staff": ["fire staff", "contact staff", "dragon staff"],
    "fire-eating": ["fire eating", "fire eater", "torch eating"],
    "led-poi": ["led poi", "pixel poi", "glow poi"],
    "led-hula-hoop": ["led hula hoop", "glow hoop", "hoop dance"],
    "pixel-wings": ["pixel wings", "led wings", "isis wings"],
    "stilt-walking": ["stilt walking", "stilt walker", "giant stilts"],
    "juggling": ["juggling", "juggler", "knife juggling"],
    "fire": ["fire show", "fire performance", "pyro act"],
    "led": ["led show", "glow show", "light performance"],
    "circus": ["circus act", "cabaret circus", "roving circus"],
}
TAGS = "wedding festival corporate party kids outdoor indoor night roving stage duo solo "
TAGS += "troupe insured budget luxury"
FIRST = "amber blaze cinder ember flare nova phoenix spark solar vega luna astra ignis kai rio"
LAST = "collective troupe arts circus company crew performers entertainment studio fx"


def ensure_marketplace():
    from django.db import connection

    from tenants.models import Marketplace
    from tenants.services import marketplace_create

    connection.set_schema_to_public()
    existing = Marketplace.objects.filter(slug=SLUG).first()
    if existing:
        return existing
    log("provisioning marketplace bench-search")
    return marketplace_create(
        preset="fire-performers",
        name="Bench Search",
        slug=SLUG,
        domain=DOMAIN,
        owner_email="bench-search@example.com",
    )


def seed(n_listings: int, n_providers: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import (
        Category,
        Listing,
        ListingType,
        ProviderProfile,
        WeeklyHours,
    )
    from catalog.search.index import listings_reindex, profiles_reindex

    categories = {c.slug: c for c in Category.objects.all()}
    listing_type = ListingType.objects.order_by("position").first()
    adjectives, occasions, places = ADJECTIVES.split(), OCCASIONS.split(), SETTINGS.split()
    tags, first, last = TAGS.split(), FIRST.split(), LAST.split()
    badges = ["insurance", "dbs", "id", "licensed"]
    now = timezone.now()

    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(email=f"bench-provider-{i}@example.com", role="provider", password="!")
                for i in range(n_providers)
            ],
            batch_size=2000,
        )
        profiles = []
        for i, user in enumerate(users):
            city, (lat, lon) = rng.choice(list(CITIES.items()))
            rating_count = rng.randint(0, 80)
            profiles.append(
                ProviderProfile(
                    user=user,
                    display_name=f"{rng.choice(first).title()} {rng.choice(last).title()} {i}",
                    tagline=f"{rng.choice(adjectives)} {rng.choice(list(ACT_WORDS.values()))[0]}",
                    bio=f"Based in {city.title()}, performing at {rng.choice(occasions)}.",
                    location_name=city.title(),
                    latitude=Decimal(f"{lat + rng.gauss(0, 0.25):.6f}"),
                    longitude=Decimal(f"{lon + rng.gauss(0, 0.35):.6f}"),
                    travel_radius_km=rng.choice([10, 25, 50, 100, 200, 400]),
                    tags=rng.sample(tags, 3),
                    badges=[b for b in badges if rng.random() < 0.35],
                    is_online=rng.random() < 0.1,
                    rating_count=rating_count,
                    rating_avg=Decimal(f"{rng.uniform(3.0, 5.0):.2f}") if rating_count else 0,
                    minimum_rate_minor=rng.randrange(5_000, 80_000, 500),
                )
            )
        profiles = ProviderProfile.objects.bulk_create(profiles, batch_size=2000)
        through = ProviderProfile.categories.through
        slugs = list(ACT_WORDS)
        through.objects.bulk_create(
            [
                through(providerprofile_id=p.id, category_id=categories[slug].id)
                for p in profiles
                for slug in rng.sample(slugs, 2)
            ],
            batch_size=5000,
        )
        WeeklyHours.objects.bulk_create(
            [
                WeeklyHours(provider=p, weekday=day, start_time=dt.time(12), end_time=dt.time(23))
                for p in profiles
                for day in rng.sample(range(7), 3)
            ],
            batch_size=5000,
        )
    log(f"{n_providers} providers in {time.perf_counter() - started:.1f}s")

    batch = 5_000
    for start in range(0, n_listings, batch):
        rows = []
        for i in range(start, min(n_listings, start + batch)):
            slug = rng.choice(slugs)
            act = rng.choice(ACT_WORDS[slug])
            provider = rng.choice(profiles)
            occasion = rng.choice(occasions)
            title = f"{rng.choice(adjectives).title()} {act} for {occasion}"
            if rng.random() < 0.3:
                title += f" in {provider.location_name}"
            description = (
                f"<p>A {rng.choice(adjectives)} {act} act for {occasion} and "
                f"{rng.choice(occasions)}. We perform at any {rng.choice(places)} or "
                f"{rng.choice(places)}, with {rng.choice(list(ACT_WORDS.values()))[1]} "
                f"as an encore.</p><p>Fully {rng.choice(['insured', 'rehearsed', 'costumed'])}"
                f", {rng.randint(1, 12)} performers.</p>"
            )
            own_location = rng.random() < 0.3
            published = rng.random() < 0.9
            rows.append(
                Listing(
                    provider=provider,
                    category=categories[slug],
                    listing_type=listing_type,
                    title=title[:140],
                    slug=f"bench-{i}",
                    description=description,
                    tags=rng.sample(tags, rng.randint(2, 4)),
                    price_minor=int(math.exp(rng.uniform(math.log(3_000), math.log(150_000)))),
                    currency="GBP",
                    location_name=provider.location_name,
                    latitude=(
                        Decimal(f"{float(provider.latitude) + rng.gauss(0, 0.05):.6f}")
                        if own_location
                        else None
                    ),
                    longitude=(
                        Decimal(f"{float(provider.longitude) + rng.gauss(0, 0.05):.6f}")
                        if own_location
                        else None
                    ),
                    status="published" if published else rng.choice(["draft", "paused"]),
                    published_at=(
                        now - dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
                        if published
                        else None
                    ),
                )
            )
        Listing.objects.bulk_create(rows)
        log(f"listings {start + len(rows)}/{n_listings}")
    started = time.perf_counter()
    listings_reindex()
    profiles_reindex()
    log(f"reindex in {time.perf_counter() - started:.1f}s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_listing")
        cursor.execute("VACUUM ANALYZE catalog_providerprofile")
        cursor.execute("ANALYZE")


def deactivate_some_providers(n_providers: int) -> None:
    """1 % of the providers have closed their accounts, as in a marketplace that has run a
    while: every search must leave their listings out."""
    from accounts.models import User

    gone = [f"bench-provider-{i}@example.com" for i in range(7, n_providers, 100)]
    User.objects.filter(email__in=gone, is_active=True).update(is_active=False)
