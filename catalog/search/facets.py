"""Facet counts: categories (rolled up to top level), price bands and badges, and the total.

Each facet counts the filtered set *without its own filter*, so choosing a category still shows
how many results the sibling categories would give, and likewise for price and badges (a
badge's count: results whose provider holds it, whichever badges were chosen). The total
(``FacetCounts.total``) is the filtered set with every filter; ``before`` is how many of
those come before the cursor, for the page's number (catalog.search.paging).

Price bands use fixed boundaries per currency (minor units) rather than quantiles: fixed bands
are stable from one request to the next (a band a user chose does not move), cost no extra
query and are comparable across searches. Five bands: [0, b1), [b1, b2), [b2, b3), [b3, b4),
[b4, ∞). A currency we have no boundaries for uses the default (two-decimal) scale.

Badges are the fixed ``catalog.models.Badge`` choices; a provider's set of them travels as a
bit mask (bit i: ``BADGES[i]``), which the listing statement groups by.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import translation

from catalog.models import Badge
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
BADGES: tuple[str, ...] = tuple(Badge.values)


@dataclass(frozen=True)
class FacetCounts:
    facets: dict
    # results with every filter
    total: int
    # of those, the ones before the cursor (0 without one)
    before: int


def price_bands(currency: str) -> list[tuple[int, int | None]]:
    cuts = PRICE_BOUNDARIES.get(currency.upper(), DEFAULT_BOUNDARIES)
    edges = (0, *cuts)
    return [(lo, edges[i + 1] if i + 1 < len(edges) else None) for i, lo in enumerate(edges)]


def band_q(field: str, lo: int, hi: int | None) -> Q:
    q = Q(**{f"{field}__gte": lo})
    if hi is not None:
        q &= Q(**{f"{field}__lt": hi})
    return q


def badge_mask(badges) -> int:
    """The bits of these badges (0 for none; a value no longer a Badge has none)."""
    return sum(1 << BADGES.index(badge) for badge in set(badges or ()) if badge in BADGES)


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


def _badge_names(badge: Badge) -> tuple[str, dict[str, str]]:
    """The badge's name in the default language and in each of the site's languages."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names[code] = str(badge.label)
    with translation.override(settings.LANGUAGE_CODE):
        return str(badge.label), names


def _badge_payload(counts: Counter) -> list[dict]:
    rows = []
    for badge in Badge:
        name, names = _badge_names(badge)
        rows.append(
            {"slug": badge.value, "name": name, "names": names, "count": counts.get(badge.value, 0)}
        )
    return rows


def listing_facets(
    groups,
    *,
    tree: CategoryTree,
    currency: str,
    category_ids: list[int] | None,
    badges: tuple[str, ...],
) -> FacetCounts:
    """Roll the groups of ``single_pass`` up into the facets and the total.

    Each group: category id, price band, passes the price filter, the provider's badge mask,
    comes after the cursor (true without one), and its number of listings.
    """
    bands = price_bands(currency)
    in_category = None if category_ids is None else set(category_ids)
    wanted = badge_mask(badges)
    by_top: Counter = Counter()
    by_badge: Counter = Counter()
    band_counts = [0] * len(bands)
    total = before = 0
    for category_id, band, in_price, mask, after, count in groups:
        category_ok = in_category is None or category_id in in_category
        badges_ok = (mask & wanted) == wanted
        if in_price and badges_ok and category_id in tree.by_id:
            by_top[tree.top_of(category_id)] += count
        if category_ok and badges_ok:
            band_counts[band] += count
        if category_ok and in_price:
            for i, badge in enumerate(BADGES):
                if (mask >> i) & 1:
                    by_badge[badge] += count
            if badges_ok:
                total += count
                if not after:
                    before += count
    facets = {
        "categories": _category_payload(tree, by_top),
        "price_bands": _band_payload(bands, band_counts),
        "badges": _badge_payload(by_badge),
        "currency": currency,
    }
    return FacetCounts(facets=facets, total=total, before=before)


def provider_facets(
    base: QuerySet,
    *,
    tree: CategoryTree,
    category_q: Q,
    price_q: Q,
    badge_q: Q,
    before_q: Q | None,
    price_field: str,
    currency: str,
    through,
) -> FacetCounts:
    """One aggregate query: a provider may sit in several categories, so each top-level
    category is counted with its own EXISTS (distinct providers), never by summing.
    ``before_q``: the rows before the cursor (None without one)."""
    bands = price_bands(currency)
    tops = tree.top_level()
    aggregates = {}
    for node in tops:
        in_top = Exists(
            through.objects.filter(
                providerprofile_id=OuterRef("pk"), category_id__in=tree.subtree_ids(node.id)
            )
        )
        aggregates[f"cat_{node.id}"] = Count("id", filter=Q(in_top) & price_q & badge_q)
    for i, (lo, hi) in enumerate(bands):
        aggregates[f"band_{i}"] = Count(
            "id", filter=category_q & band_q(price_field, lo, hi) & badge_q
        )
    for i, badge in enumerate(BADGES):
        aggregates[f"badge_{i}"] = Count(
            "id", filter=category_q & price_q & Q(badges__contains=[badge])
        )
    aggregates["total"] = Count("id", filter=category_q & price_q & badge_q)
    if before_q is not None:
        aggregates["before"] = Count("id", filter=category_q & price_q & badge_q & before_q)
    totals = base.order_by().aggregate(**aggregates)
    by_top = Counter({node.id: totals[f"cat_{node.id}"] for node in tops})
    by_badge = Counter({badge: totals[f"badge_{i}"] for i, badge in enumerate(BADGES)})
    facets = {
        "categories": _category_payload(tree, by_top),
        "price_bands": _band_payload(bands, [totals[f"band_{i}"] for i in range(len(bands))]),
        "badges": _badge_payload(by_badge),
        "currency": currency,
    }
    return FacetCounts(facets=facets, total=totals["total"], before=totals.get("before", 0))
