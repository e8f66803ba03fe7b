"""Listing search in one statement: page keys and facet counts of the matching rows.

The ORM builds the narrow filtered projection (id, category, provider, price, sort key) and
this wraps it in a CTE that feeds both the page (after a keyset cursor, or at an offset) and
the grouped facet counts; the full rows of the page are then read by primary key.

The category, price and badge filters are applied here, not in the projection, because each
facet counts without its own filter (catalog.search.facets). For the facets a row carries its
provider's badges as a bit mask, joined from the badge holders (the mask worked out once per
provider); PostgreSQL drops that join from the page, which reads no mask. The page tests a
badge filter on the providers' own column, whose statistics the planner knows.

With text or a point (``materialize``), finding the rows is the expensive part (a bitmap scan
visiting thousands of heap pages for the tsvector; a distance computed per row), so they are
read once, MATERIALIZED, for the page and the facets. Otherwise the CTE is NOT MATERIALIZED
and PostgreSQL plans the two uses apart: the page walks an index already in the sort order
(price, newest) and stops after a page instead of sorting tens of thousands of rows, while the
facets count over a covering index.

The statement runs with JIT and parallel workers off (``SET LOCAL`` in the same implicit
transaction): both pay off for analytics, not for a request that should take milliseconds.
The search's many sub-plans push its estimated cost past ``jit_above_cost``, and JIT
compilation alone then took several times the whole query; the typo fallback's branch was
planned as a parallel Gather whose workers started even when its one-time gate was false.
(Figures: bench/search.py and the README's Benchmarks section.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from catalog.models import ProviderProfile
from catalog.search.facets import BADGES, price_bands
from catalog.search.filters import SortKey
from catalog.search.hits import HIT_JOINS_SQL, HIT_JSON_SQL

# The statement (below) names the filtered matches m; a ``check`` reads them by this name.
MATCHES_CTE = "m"


@dataclass(frozen=True)
class PassResult:
    # (id, sort key value, distance_km or None, hit), in page order, at most page_size + 1;
    # hit is catalog.search.hits.HIT_JSON_SQL's array
    page: list[list[Any]]
    # (category_id, price band, passes the price filter, provider's badge mask, comes after
    # the cursor, rows): catalog.search.facets.listing_facets' groups; None when facets
    # were not asked for
    facet_groups: list[list[Any]] | None
    # the value of ``check`` (SQL over the matches, MATCHES_CTE); None when not asked
    check: Any = None


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _keyset_sql(keys: list[SortKey], values: list[Any]) -> tuple[str, list[Any]]:
    """Rows after ``values``; both keys run the same direction so a row comparison works.

    DESC sorts put NULLs first (PostgreSQL's default); a NULL in the row comparison yields
    NULL, which correctly drops the null-keyed rows that came before a non-null cursor.
    """
    first, tie = keys
    col, tie_col = _quote(first.name), _quote(tie.name)
    op = "<" if first.descending else ">"
    if values[0] is None:
        return f"(({col} IS NULL AND {tie_col} {op} %s) OR {col} IS NOT NULL)", [values[1]]
    return f"(({col}, {tie_col}) {op} (%s, %s))", list(values)


_PROVIDERS = ProviderProfile._meta.db_table
# The providers holding any badge, with their badges as a bit mask (bit i: BADGES[i]),
# computed once per provider. Grouped by the primary key, so PostgreSQL knows it has one row
# per provider and drops a left join to it from a use of m that reads no mask.
_BADGE_MASKS_SQL = (
    "(SELECT id, "
    + " + ".join(
        f"(CASE WHEN %s = ANY(badges) THEN {1 << i} ELSE 0 END)" for i in range(len(BADGES))
    )
    + f" AS mask FROM {_PROVIDERS} WHERE cardinality(badges) > 0 GROUP BY id)"
)


class _FacetKey:
    """A facet group's keys in one bigint: category id, price band (3 bits), passes the price
    filter (1), the provider's badge mask (one bit per badge), after the cursor (1)."""

    BAND_BITS = 3
    BADGE_BITS = len(BADGES)

    def sql(self, *, category: str, band: str, in_price: str, badges: str, past_cursor: str) -> str:
        # A NULL test (a null sort key against the cursor) counts as false: not after it.
        return (
            f"(((({category} * {1 << self.BAND_BITS} + {band}) * 2 "
            f"+ coalesce({in_price}, FALSE)::int) * {1 << self.BADGE_BITS} + {badges}) * 2 "
            f"+ coalesce({past_cursor}, FALSE)::int)"
        )

    def unpack(self, key: int) -> tuple[int, int, bool, int, bool]:
        past_cursor, key = bool(key & 1), key >> 1
        badges, key = key & ((1 << self.BADGE_BITS) - 1), key >> self.BADGE_BITS
        in_price, key = bool(key & 1), key >> 1
        band, category = key & ((1 << self.BAND_BITS) - 1), key >> self.BAND_BITS
        return category, band, in_price, badges, past_cursor


_FACET_KEY = _FacetKey()


def run_single_pass(
    parts: list[QuerySet],
    *,
    keys: list[SortKey],
    after: list[Any] | None,
    offset: int = 0,
    page_size: int,
    category_ids: list[int] | None,
    min_price: int | None,
    max_price: int | None,
    badges: tuple[str, ...] = (),
    currency: str,
    with_distance: bool,
    with_facets: bool,
    materialize: bool = True,
    check: tuple[str, list[Any]] | None = None,
) -> PassResult:
    columns = ["id", "category_id", "provider_id", "price_minor"]
    for extra in [keys[0].name, *(["distance_km"] if with_distance else [])]:
        if extra not in columns:
            columns.append(extra)
    # Disjoint parts (text matches, typo matches, geo placements) are concatenated.
    params: list[Any] = []
    compiled = []
    for part in parts:
        part_sql, part_params = part.order_by().values(*columns).query.sql_with_params()
        compiled.append(f"({part_sql})")
        params.extend(part_params)
    inner_sql = " UNION ALL ".join(compiled)
    materialized = f"{'' if materialize else 'NOT '}MATERIALIZED"
    if with_facets:
        # Each row with its provider's badges, for the facets; the page reads no mask, so
        # the join is not in its plan.
        sql = (
            f"WITH m AS {materialized} (SELECT r.*, coalesce(bm.mask, 0) AS badge_mask "
            f"FROM ({inner_sql}) AS r LEFT JOIN {_BADGE_MASKS_SQL} AS bm "
            "ON bm.id = r.provider_id)"
        )
        params.extend(BADGES)
    else:
        sql = f"WITH m AS {materialized} ({inner_sql})"

    category_sql, category_params = "TRUE", []
    if category_ids is not None:
        category_sql, category_params = "category_id = ANY(%s)", [category_ids]
    price_parts, price_params = [], []
    if min_price is not None:
        price_parts.append("price_minor >= %s")
        price_params.append(min_price)
    if max_price is not None:
        price_parts.append("price_minor <= %s")
        price_params.append(max_price)
    price_sql = " AND ".join(price_parts) or "TRUE"

    page_where = [category_sql, price_sql]
    page_params: list[Any] = [*category_params, *price_params]
    if badges:
        # On the providers' own column: its statistics tell the planner how many hold the
        # badges (walk the sort order and test each row's provider, or gather theirs).
        page_where.append(
            f"EXISTS (SELECT 1 FROM {_PROVIDERS} AS bf "
            "WHERE bf.id = m.provider_id AND bf.badges @> %s::varchar[])"
        )
        page_params.append(list(badges))
    keyset_sql = "TRUE"
    keyset_params: list[Any] = []
    if after is not None:
        keyset_sql, keyset_params = _keyset_sql(keys, after)
        page_where.append(keyset_sql)
        page_params.extend(keyset_params)
    direction = "DESC" if keys[0].descending else "ASC"
    order = f"{_quote(keys[0].name)} {direction}, {_quote(keys[1].name)} {direction}"
    distance_col = _quote("distance_km") if with_distance else "NULL::float8"

    sql += (
        f", page AS (SELECT id, {_quote(keys[0].name)} AS k, {distance_col} AS d FROM m "
        f"WHERE {' AND '.join(page_where)} ORDER BY {order} LIMIT %s OFFSET %s)"
    )
    params.extend(page_params)
    params.extend([page_size + 1, offset])
    select = [
        f"(SELECT json_agg(json_build_array(page.id, page.k, page.d, {HIT_JSON_SQL}) "
        f"ORDER BY page.k {direction}, page.id {direction}) FROM page {HIT_JOINS_SQL})"
    ]
    if with_facets:
        # One group per (category, price band, passes the price filter, badges, after the
        # cursor): hashing a few small keys per row costs a fraction of many FILTERed
        # counts, each testing the category list and the band's bounds. The keys are packed
        # into one bigint (_FacetKey), cheaper to hash than five columns. Python rolls the
        # groups up (catalog.search.facets.listing_facets).
        bands = price_bands(currency)
        band_of = " ".join(
            f"WHEN price_minor < {int(hi)} THEN {i}"
            for i, (_, hi) in enumerate(bands[:-1])
            if hi is not None  # only the last band is open-ended
        )
        band_sql = f"CASE {band_of} ELSE {len(bands) - 1} END"
        key_sql = _FACET_KEY.sql(
            category="category_id",
            band=band_sql,
            in_price=f"({price_sql})",
            badges="badge_mask",
            past_cursor=f"({keyset_sql})",
        )
        sql += f", facet AS (SELECT {key_sql} AS k, count(*) AS n FROM m GROUP BY 1)"
        params.extend([*price_params, *keyset_params])
        select.append("(SELECT json_agg(json_build_array(k, n)) FROM facet)")
    if check is not None:
        select.append(check[0])
        params.extend(check[1])
    sql += " SELECT " + ", ".join(select)

    with connection.cursor() as cursor:
        row = _fetch_one_planned_for_latency(cursor, sql, params)
    values = iter(row)
    page = next(values) or []
    facet_groups = None
    if with_facets:
        facet_groups = [[*_FACET_KEY.unpack(key), n] for key, n in next(values) or []]
    checked = next(values) if check is not None else None
    return PassResult(page=page, facet_groups=facet_groups, check=checked)


# Multiple statements in one execute() need client-side binding, Django's default with psycopg
# (OPTIONS "server_side_binding" off). In autocommit they form one implicit transaction, so the
# SET LOCALs end with the statement; inside an atomic block they last until it ends.
_LATENCY_SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "


def _fetch_one_planned_for_latency(cursor, sql: str, params: list[Any]):
    cursor.execute(_LATENCY_SETTINGS + sql, params)
    while cursor.description is None:  # the SETs' empty results come first
        if not cursor.nextset():
            raise RuntimeError("search statement returned no rows")
    return cursor.fetchone()
