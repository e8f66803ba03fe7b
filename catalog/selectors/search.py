"""Search reads: listings, provider profiles and autocomplete suggestions.

Query budget per call (whatever the page size). Listings: categories and deactivated
providers (1) and one statement for the page, its hits and the facets
(catalog.search.single_pass); a text search whose typed words find fewer than
TYPO_FALLBACK_BELOW listings runs that statement again with the typo parts (3).
Providers: categories, page, one query per prefetch, facets (5). Suggestions
(catalog.search.suggest): 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from catalog.models import Category, Listing, MediaItem, ProviderProfile
from catalog.search.categories import CategoryTree
from catalog.search.cursor import cursor_decode, cursor_encode
from catalog.search.facets import listing_facets, provider_facets
from catalog.search.filters import (
    INACTIVE_PROVIDERS_SQL,
    DistanceKm,
    ListingTagsMatch,
    SortKey,
    available_on_q,
    bounding_box,
    keyset_after,
    listing_text_parts,
    listing_text_rank,
    text_match,
    text_rank,
    typed_enough_sql,
)
from catalog.search.geo import (
    listing_geo_near,
    listing_geo_parts,
    no_location,
    public_distance,
    shown_distance_km,
)
from catalog.search.hits import listing_hit
from catalog.search.params import SearchParams
from catalog.search.single_pass import MATCHES_CTE, run_single_pass
from config.errors import InvalidInput

ID_DESC = SortKey("id", descending=True, kind="int")
ID_ASC = SortKey("id", descending=False, kind="int")
# Providers with no rate sort last either way.
NO_PRICE_HIGH = 2**62
NO_PRICE_LOW = -1


@dataclass
class SearchPage:
    items: list
    next_cursor: str | None
    facets: dict | None = None
    sort: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _marketplace_currency() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "default_currency", None) or "GBP"


def _paginate(qs: QuerySet, params: SearchParams, keys: list[SortKey]) -> tuple[list, str | None]:
    values = _cursor_values(params, keys)
    if values is not None:
        qs = qs.filter(keyset_after(keys, values))
    rows = list(qs.order_by(*(key.order_by() for key in keys))[: params.page_size + 1])
    if len(rows) <= params.page_size:
        return rows, None
    rows = rows[: params.page_size]
    last = rows[-1]
    key = [k.dump(_attr(last, k.name)) for k in keys]
    return rows, cursor_encode(sort=params.sort, q=params.q, key=key)


def _attr(obj, dotted: str):
    for part in dotted.split("__"):
        obj = getattr(obj, part)
    return obj


def _category_q(params: SearchParams, tree: CategoryTree, field_name: str) -> Q:
    if not params.category:
        return Q()
    node = tree.resolve(params.category)
    return Q(**{f"{field_name}__in": tree.subtree_ids(node.id)})


def _price_q(params: SearchParams, field_name: str) -> Q:
    q = Q()
    if params.min_price is not None:
        q &= Q(**{f"{field_name}__gte": params.min_price})
    if params.max_price is not None:
        q &= Q(**{f"{field_name}__lte": params.max_price})
    return q


def _provider_filters(params: SearchParams, prefix: str) -> Q:
    q = Q()
    if params.rating is not None:
        q &= Q(**{f"{prefix}rating_avg__gte": params.rating})
    if params.badges:
        q &= Q(**{f"{prefix}badges__contains": list(params.badges)})
    if params.online:
        q &= Q(**{f"{prefix}is_online": True})
    return q


def _tags_q(params: SearchParams) -> Q:
    if not params.tags:
        return Q()
    lookup = "tags__contains" if params.tags_mode == "all" else "tags__overlap"
    return Q(**{lookup: list(params.tags)})


def _listing_tags_q(params: SearchParams) -> Q:
    if not params.tags:
        return Q()
    return Q(ListingTagsMatch(params.tags, all_of=params.tags_mode == "all"))


# --- listings -------------------------------------------------------------------------------


# Up to this many deactivated providers are excluded by their ids, written into the statement;
# beyond, by a sub-select of them.
INLINE_INACTIVE_PROVIDERS = 1000


def listings_public(inactive_providers: list[int] | None = None) -> QuerySet:
    """Published listings of active providers: what anyone may find (search, the sitemap).

    ``inactive_providers`` is the ids of the deactivated providers, read beforehand in the
    same round trip as the category tree (None: too many to write out). Usually there are
    none, and then there is nothing to test per row; otherwise NOT IN the few ids is a small
    hashed array. A NOT IN sub-select hashed the same set but was kept per row even when
    empty, a visible share of a count over the bench's 90k listings. (IN the active ones
    built a hash of every provider and user per query, or probed two primary keys per
    listing when it misjudged the row count.)
    """
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED)
    if inactive_providers is None:
        return published.exclude(provider_id__in=RawSQL(INACTIVE_PROVIDERS_SQL, []))
    if inactive_providers:
        return published.exclude(provider_id__in=inactive_providers)
    return published


def listing_search(*, params: SearchParams, viewer=None) -> SearchPage:
    """Published listings of active providers matching ``params``, one keyset page.

    Items are ``catalog.search.hits.ListingHit``: what a hit shows, with ``primary_media``
    (list of 0–1), ``package_list``, ``ticket_tier_list`` and, with a point, ``distance_km``.
    ``viewer`` is accepted for per-user scoping to come.
    """
    tree, inactive_providers = CategoryTree.load_with_inactive_providers(INLINE_INACTIVE_PROVIDERS)
    category_ids = None
    if params.category:
        category_ids = tree.subtree_ids(tree.resolve(params.category).id)

    base = listings_public(inactive_providers)
    filters = _listing_tags_q(params) & _provider_filters(params, "provider__")
    if params.currency:
        filters &= Q(currency=params.currency)
    if params.listing_type:
        filters &= Q(listing_type__slug=params.listing_type)
    if params.pricing:
        filters &= Q(listing_type__pricing=params.pricing)
    if params.available_on:
        filters &= available_on_q(params.available_on, provider_ref="provider_id")
    base = base.filter(filters)
    if params.sort == "relevance":
        base = base.annotate(rank=listing_text_rank(params.q))
    elif params.sort == "rating":
        base = base.annotate(rating=F("provider__rating_avg"))

    variants = [base]
    if params.point and params.q:
        variants = [listing_geo_near(base, params.point)]
    elif params.point:
        variants = listing_geo_parts(base, params.point)

    keys = _listing_sort(params)
    after = _cursor_values(params, keys)
    currency = params.currency or _marketplace_currency()

    def run(parts: list[QuerySet], check: tuple[str, list] | None = None):
        return run_single_pass(
            parts,
            keys=keys,
            after=after,
            page_size=params.page_size,
            category_ids=category_ids,
            min_price=params.min_price,
            max_price=params.max_price,
            currency=currency,
            with_distance=params.point is not None,
            with_facets=params.facets,
            materialize=bool(params.q or params.point),
            check=check,
        )

    if params.q:
        # The text as typed first; the typo parts only when they could find something (the
        # typed text finds fewer than TYPO_FALLBACK_BELOW, filtered and not). Planning their
        # branches alone cost more than the whole typed search of a narrow query, for
        # the many queries that never need them.
        typed, *typo_parts = listing_text_parts(params.q)
        enough = typed_enough_sql(params.q, MATCHES_CTE)
        found = run([v.filter(typed) for v in variants], check=enough)
        if not found.check:
            text_parts = (typed, *typo_parts)
            found = run([v.filter(part) for v in variants for part in text_parts])
    else:
        found = run(variants)

    next_cursor = None
    page = found.page
    if len(page) > params.page_size:
        page = page[: params.page_size]
        last_id, last_key, _, _ = page[-1]
        next_cursor = cursor_encode(
            sort=params.sort, q=params.q, key=[_json_key(keys[0], last_key), last_id]
        )
    items = [listing_hit(hit, shown_distance_km(d, params.point)) for _, _, d, hit in page]
    facets = None
    if found.facet_rows is not None:
        facets = listing_facets(found.facet_rows, tree=tree, currency=currency)
    return SearchPage(items=items, next_cursor=next_cursor, facets=facets, sort=params.sort)


def _json_key(key: SortKey, value):
    """A sort key read back from json_build_array, in the form the cursor stores."""
    if value is None or key.kind in {"float", "int", "datetime"}:
        return value
    return str(value)


def _cursor_values(params: SearchParams, keys: list[SortKey]) -> list | None:
    if not params.cursor:
        return None
    raw = cursor_decode(params.cursor, sort=params.sort, q=params.q)
    try:
        if len(raw) != len(keys):
            raise ValueError("length")
        return [key.load(value) for key, value in zip(keys, raw, strict=True)]
    except (ValueError, TypeError) as exc:
        raise InvalidInput(
            _("The cursor is not valid; start again from the first page."),
            code="invalid_cursor",
        ) from exc


def _listing_sort(params: SearchParams) -> list[SortKey]:
    return {
        "relevance": [SortKey("rank", descending=True), ID_DESC],
        "price_asc": [SortKey("price_minor", descending=False, kind="int"), ID_ASC],
        "price_desc": [SortKey("price_minor", descending=True, kind="int"), ID_DESC],
        "rating": [SortKey("rating", descending=True, kind="decimal"), ID_DESC],
        "distance": [SortKey("distance_km", descending=False), ID_ASC],
        "newest": [
            SortKey("published_at", descending=True, kind="datetime", nullable=True),
            ID_DESC,
        ],
    }[params.sort]


# --- providers ------------------------------------------------------------------------------


def providers_public() -> QuerySet:
    """Profiles of active providers: what anyone may find (search, the sitemap)."""
    return ProviderProfile.objects.filter(user__is_active=True)


def provider_search(*, params: SearchParams, viewer=None) -> SearchPage:
    """Provider profiles of active users matching ``params``, one keyset page.

    Price filters and bands apply to ``minimum_rate_minor`` (the provider's "from" rate).
    ``within_travel_radius`` keeps providers whose travel radius reaches the point.
    Items carry ``primary_media`` and ``category_list``.
    """
    tree = CategoryTree.load()
    through = ProviderProfile.categories.through
    category_q = Q()
    if params.category:
        node = tree.resolve(params.category)
        category_q = Q(
            Exists(
                through.objects.filter(
                    providerprofile_id=OuterRef("pk"),
                    category_id__in=tree.subtree_ids(node.id),
                )
            )
        )
    price_q = _price_q(params, "minimum_rate_minor")

    base = providers_public()
    if params.q:
        base = base.filter(text_match(params.q, trigram_field="display_name"))
    filters = _tags_q(params) & _provider_filters(params, "")
    if params.available_on:
        filters &= available_on_q(params.available_on, provider_ref="pk")
    if params.point:
        exact = DistanceKm(params.point, "latitude", "longitude")
        reach = params.point.radius_km
        if params.within_travel_radius:
            # The bounding box must cover the farthest any provider travels.
            reach = None
        if reach:
            filters &= bounding_box(params.point, reach)
        base = base.alias(exact_km=no_location(exact)).annotate(
            distance_km=no_location(public_distance(params.point, "latitude", "longitude"))
        )
        if params.point.radius_km:
            filters &= Q(exact_km__lte=params.point.radius_km)
        if params.within_travel_radius:
            filters &= Q(latitude__isnull=False, exact_km__lte=F("travel_radius_km"))
    base = base.filter(filters)

    results = base.filter(category_q & price_q)
    if params.sort == "relevance":
        results = results.annotate(rank=text_rank(params.q, trigram_field="display_name"))
    elif params.sort in {"price_asc", "price_desc"}:
        missing = NO_PRICE_HIGH if params.sort == "price_asc" else NO_PRICE_LOW
        results = results.annotate(
            price=Coalesce("minimum_rate_minor", Value(missing), output_field=IntegerField())
        )
    results = results.prefetch_related(
        Prefetch(
            "media",
            queryset=MediaItem.objects.filter(is_primary=True),
            to_attr="primary_media",
        ),
        Prefetch("categories", queryset=Category.objects.all(), to_attr="category_list"),
    )
    keys = {
        "relevance": [SortKey("rank", descending=True), ID_DESC],
        "price_asc": [SortKey("price", descending=False, kind="int"), ID_ASC],
        "price_desc": [SortKey("price", descending=True, kind="int"), ID_DESC],
        "rating": [SortKey("rating_avg", descending=True, kind="decimal"), ID_DESC],
        "distance": [SortKey("distance_km", descending=False), ID_ASC],
        "newest": [SortKey("created_at", descending=True, kind="datetime"), ID_DESC],
    }[params.sort]
    items, next_cursor = _paginate(results, params, keys)
    for item in items:
        item.distance_km = shown_distance_km(getattr(item, "distance_km", None), params.point)
    facets = None
    if params.facets:
        facets = provider_facets(
            base,
            tree=tree,
            category_q=category_q,
            price_q=price_q,
            price_field="minimum_rate_minor",
            currency=_marketplace_currency(),
            through=through,
        )
    return SearchPage(items=items, next_cursor=next_cursor, facets=facets, sort=params.sort)
