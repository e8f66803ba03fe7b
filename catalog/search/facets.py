"""Facet counts: categories (rolled up to top level) and price bands.

Each facet counts the filtered set *without its own filter*, so choosing a category still shows
how many results the sibling categories would give, and likewise for price.

Price bands use fixed boundaries per currency (minor units) rather than quantiles: fixed bands
are stable from one request to the next (a band a user chose does not move), cost no extra
query and are comparable across searches. Five bands: [0, b1), [b1, b2), [b2, b3), [b3, b4),
[b4, ∞). A currency we have no boundaries for uses the default (two-decimal) scale.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.search.categories import CategoryTree

PRICE_BOUNDARIES: dict[str, tuple[int, ...]] = {
    # £/$/€ 50, 150, 300, 600
    "GBP": (5_000, 15_000, 30_000, 60_000),
    "USD": (5_000, 15_000, 30_000, 60_000),
    "EUR": (5_000, 15_000, 30_000, 60_000),
    # In fils (ISO 4217 exponent 3): 50k, 150k, 400k, 1M IQD
    "IQD": (50_000_000, 150_000_000, 400_000_000, 1_000_000_000),
}
DEFAULT_BOUNDARIES = PRICE_BOUNDARIES["GBP"]


def price_bands(currency: str) -> list[tuple[int, int | None]]:
    cuts = PRICE_BOUNDARIES.get(currency.upper(), DEFAULT_BOUNDARIES)
    edges = (0, *cuts)
    return [(lo, edges[i + 1] if i + 1 < len(edges) else None) for i, lo in enumerate(edges)]


def band_q(field: str, lo: int, hi: int | None) -> Q:
    q = Q(**{f"{field}__gte": lo})
    if hi is not None:
        q &= Q(**{f"{field}__lt": hi})
    return q


def _band_payload(bands, counts) -> list[dict]:
    return [
        {"min_price": lo, "max_price": hi, "count": counts[i]} for i, (lo, hi) in enumerate(bands)
    ]


def _category_payload(tree: CategoryTree, counts: Counter) -> list[dict]:
    return [
        {
            "id": node.id,
            "slug": node.slug,
            "name": node.name,
            "names": node.names,
            "count": counts.get(node.id, 0),
        }
        for node in tree.top_level()
    ]


def listing_facets(facet_rows, *, tree: CategoryTree, currency: str) -> dict:
    """Roll the per-category counts of ``single_pass`` up into the two facets.

    Each row: category id, rows passing the price filter (for the category facet) and, per
    band, rows passing the category filter (for the price facet).
    """
    bands = price_bands(currency)
    by_top: Counter = Counter()
    band_counts = [0] * len(bands)
    for category_id, in_price, per_band in facet_rows:
        if category_id in tree.by_id:
            by_top[tree.top_of(category_id)] += in_price
        for i, count in enumerate(per_band):
            band_counts[i] += count
    return {
        "categories": _category_payload(tree, by_top),
        "price_bands": _band_payload(bands, band_counts),
        "currency": currency,
    }


def provider_facets(
    base: QuerySet,
    *,
    tree: CategoryTree,
    category_q: Q,
    price_q: Q,
    price_field: str,
    currency: str,
    through,
) -> dict:
    """One aggregate query: a provider may sit in several categories, so each top-level
    category is counted with its own EXISTS (distinct providers), never by summing."""
    bands = price_bands(currency)
    tops = tree.top_level()
    aggregates = {}
    for node in tops:
        in_top = Exists(
            through.objects.filter(
                providerprofile_id=OuterRef("pk"), category_id__in=tree.subtree_ids(node.id)
            )
        )
        aggregates[f"cat_{node.id}"] = Count("id", filter=Q(in_top) & price_q)
    for i, (lo, hi) in enumerate(bands):
        aggregates[f"band_{i}"] = Count("id", filter=category_q & band_q(price_field, lo, hi))
    totals = base.order_by().aggregate(**aggregates)
    by_top = Counter({node.id: totals[f"cat_{node.id}"] for node in tops})
    return {
        "categories": _category_payload(tree, by_top),
        "price_bands": _band_payload(bands, [totals[f"band_{i}"] for i in range(len(bands))]),
        "currency": currency,
    }
