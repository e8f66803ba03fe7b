"""Catalog search latency: the search selector and API against the naive icontains way.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_search      # a database of your own
    .venv/bin/python bench/search.py [--listings 100000] [--providers 2000] [--queries 200]

Creates (or reuses) the marketplace "bench-search" (fire-performers preset), seeds listings
and providers with bulk_create (1 % of the providers deactivated), runs listings_reindex once
and ANALYZE, then runs the same
mix of query shapes three ways, each evaluating one page of 20 plus the facets:

* search: ``ListingSearchQuerySerializer.search_params`` + ``listing_search`` in process;
* api: GET /api/v1/search/listings/ through ``django.test.Client`` with the Host header (the
  whole Django stack: tenant middleware, DRF, serializers, JSON), in process, no network;
* naive: the same filters with ``icontains`` over title, description, category name and
  provider name (joins), no full-text index, no bounding box; facets by plain GROUP BY.

Progress goes to stderr; the last line on stdout is the machine-readable result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log, machine_line, setup_django  # noqa: E402
from bench.search_seed import (  # noqa: E402
    CITIES,
    DOMAIN,
    deactivate_some_providers,
    ensure_marketplace,
    seed,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--naive-queries", type=int, default=None, help="default: --queries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reseed", action="store_true", help="delete and seed again")
    return parser.parse_args()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]


def query_mix(n: int, rng: random.Random) -> list[dict]:
    texts = [
        "fire breathing",
        "led poi wedding",
        "stilt walker",
        "juggling",
        "fier breathing",
        "fire show corporate",
        "glow hoop",
        "pixel wings festival",
        "knife juggler",
        "dragon staff",
        "torch eating christmas",
        '"fire eater"',
    ]
    categories = ["fire", "led", "circus", "fire-poi", "juggling", "led-hula-hoop"]
    shapes = [
        lambda: {"q": rng.choice(texts)},
        lambda: {
            "q": rng.choice(texts),
            "category": rng.choice(categories),
            "max_price": rng.choice([20_000, 50_000, 100_000]),
        },
        lambda: {**_near(rng, 30), "sort": "distance"},
        lambda: {"q": rng.choice(texts), **_near(rng, 50)},
        lambda: {"category": rng.choice(categories), "sort": "price_asc", "rating": "4"},
        lambda: {"tags": "wedding,festival", "tags_mode": "any"},
        lambda: {
            "q": rng.choice(texts),
            "badges": "insurance",
            "available_on": (
                dt.date(2030, 1, 6) + dt.timedelta(days=rng.randint(0, 6))
            ).isoformat(),
        },
        lambda: {"q": rng.choice(texts), "sort": "newest", "min_price": 10_000},
        lambda: {"sort": "rating", "online": "true", **_near(rng, 100)},
    ]
    return [shapes[i % len(shapes)]() for i in range(n)]


def _near(rng: random.Random, radius: int) -> dict:
    lat, lon = rng.choice(list(CITIES.values()))
    return {"lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "radius_km": str(radius)}


def run_selector(query: dict) -> int:
    from django.http import QueryDict

    from catalog.api.search_params import ListingSearchQuerySerializer
    from catalog.selectors.search import listing_search

    data = QueryDict(mutable=True)
    data.update({key: str(value) for key, value in query.items()})
    params = ListingSearchQuerySerializer.search_params(data)
    page = listing_search(params=params)
    return len(page.items)


def run_naive(query: dict) -> int:
    """The obvious ORM code: icontains across joined columns, Python-free filters."""
    from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Value
    from django.db.models.functions import ACos, Cast, Cos, Least, Radians, Sin

    from catalog.models import AvailabilityEntry, Category, Listing, WeeklyHours
    from catalog.search.facets import band_q, price_bands

    qs = Listing.objects.filter(status="published", provider__user__is_active=True)
    for word in query.get("q", "").replace('"', "").split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(category__name__icontains=word)
            | Q(provider__display_name__icontains=word)
        )
    if "tags" in query:
        qs = qs.filter(tags__overlap=query["tags"].split(","))
    if "rating" in query:
        qs = qs.filter(provider__rating_avg__gte=query["rating"])
    if "badges" in query:
        qs = qs.filter(provider__badges__contains=query["badges"].split(","))
    if query.get("online"):
        qs = qs.filter(provider__is_online=True)
    if "available_on" in query:
        day = dt.date.fromisoformat(query["available_on"])
        qs = qs.filter(
            Exists(WeeklyHours.objects.filter(provider=OuterRef("provider"), weekday=day.weekday()))
            | Exists(
                AvailabilityEntry.objects.filter(
                    provider=OuterRef("provider"), date=day, status="available"
                )
            )
        )
    if "lat" in query:
        lat, lon = float(query["lat"]), float(query["lon"])
        row_lat = Radians(Cast(F("provider__latitude"), FloatField()))
        row_lon = Radians(Cast(F("provider__longitude"), FloatField()))
        distance = Value(6371.0) * ACos(
            Least(
                Value(1.0),
                Value(math.sin(math.radians(lat))) * Sin(row_lat)
                + Value(math.cos(math.radians(lat)))
                * Cos(row_lat)
                * Cos(row_lon - Value(math.radians(lon))),
            )
        )
        qs = qs.annotate(distance=distance).filter(distance__lte=float(query["radius_km"]))
    base = qs
    category_filter = Q()
    if "category" in query:
        root = Category.objects.get(slug=query["category"])
        category_filter = Q(category=root) | Q(category__parent=root)
    price_filter = Q()
    if "min_price" in query:
        price_filter &= Q(price_minor__gte=query["min_price"])
    if "max_price" in query:
        price_filter &= Q(price_minor__lte=query["max_price"])
    qs = qs.filter(category_filter & price_filter)
    order = {
        "price_asc": ["price_minor", "id"],
        "rating": ["-provider__rating_avg", "-id"],
        "distance": ["distance", "id"],
    }.get(query.get("sort", ""), ["-published_at", "-id"])
    page = list(
        qs.select_related("provider", "category", "listing_type")
        .prefetch_related("media", "packages", "ticket_tiers")
        .order_by(*order)[:20]
    )
    list(
        base.filter(price_filter)
        .values("category__parent__slug", "category__slug")
        .annotate(n=Count("id"))
    )
    base.filter(category_filter).aggregate(
        **{
            f"b{i}": Count("id", filter=band_q("price_minor", lo, hi))
            for i, (lo, hi) in enumerate(price_bands("GBP"))
        }
    )
    return len(page)


def timed(fn, queries: list[dict]) -> list[float]:
    fn(queries[0])  # warm caches and connections
    times = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    args = parse_args()
    setup_django(SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0")

    from django.db import connection
    from django.test import Client

    from catalog.models import Listing

    marketplace = ensure_marketplace()
    connection.set_tenant(marketplace)
    have = Listing.objects.count()
    if args.reseed and have:
        from accounts.models import User

        log("deleting the previous seed")
        Listing.objects.all().delete()
        User.objects.filter(email__startswith="bench-provider-").delete()
        have = 0
    if have < args.listings:
        if have:
            raise SystemExit(f"bench: {have} listings exist, fewer than asked; use --reseed")
        seed(args.listings, args.providers, random.Random(args.seed))
    else:
        log(f"reusing {have} listings")
        # A migration since the seed may have rewritten the table (a new stored column):
        # measure the steady state autovacuum keeps, with the visibility map set for
        # index-only scans and fresh statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_listing")

    deactivate_some_providers(args.providers)

    rng = random.Random(args.seed + 1)
    queries = query_mix(args.queries, rng)
    hits = [run_selector(q) for q in queries[:20]]
    log(f"first 20 queries return {hits} results")

    search_ms = timed(run_selector, queries)
    log(f"selector: p50 {statistics.median(search_ms):.1f} ms")

    client = Client(HTTP_HOST=DOMAIN)

    def run_api(query: dict) -> int:
        response = client.get("/api/v1/search/listings/", query)
        assert response.status_code == 200, response.content[:300]
        return len(response.json()["results"])

    api_ms = timed(run_api, queries)
    connection.set_tenant(marketplace)
    log(f"api: p50 {statistics.median(api_ms):.1f} ms")

    naive_queries = queries[: args.naive_queries or args.queries]
    naive_ms = timed(run_naive, naive_queries)
    log(f"naive: p50 {statistics.median(naive_ms):.1f} ms")

    from catalog.search.suggest import search_suggest

    typed = ["fi", "fire", "fier br", "jugg", "stilt", "led h", "glow", "pixel w", "blaze", "ember"]
    suggest_ms = timed(lambda q: search_suggest(q=q), [typed[i % len(typed)] for i in range(50)])

    for name, values in (
        ("search", search_ms),
        ("api", api_ms),
        ("naive", naive_ms),
        ("suggest", suggest_ms),
    ):
        print(
            f"{name}: n={len(values)} p50={percentile(values, 50):.1f} "
            f"p95={percentile(values, 95):.1f} p99={percentile(values, 99):.1f} ms"
        )
    shapes = {}
    for query, ms in zip(queries, search_ms, strict=True):
        shapes.setdefault(tuple(sorted(query)), []).append(ms)
    for shape, values in shapes.items():
        print(
            f"  shape {','.join(shape)}: p50={percentile(values, 50):.1f} "
            f"p95={percentile(values, 95):.1f} ms"
        )
    print(machine_line())
    p95, api_p95, naive_p95 = (percentile(v, 95) for v in (search_ms, api_ms, naive_ms))
    print(
        f"search p95_ms={p95:.1f} api_p95_ms={api_p95:.1f} naive_p95_ms={naive_p95:.1f} "
        f"speedup={naive_p95 / p95:.1f}"
    )


if __name__ == "__main__":
    main()
