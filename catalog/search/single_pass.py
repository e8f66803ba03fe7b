"""Listing search in one statement: page keys and facet counts of the matching rows.

The ORM builds the narrow filtered projection (id, category, price, sort key) and this wraps
it in a CTE that feeds both the keyset page and the grouped facet counts; the full rows of the
page are then read by primary key.

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

from catalog.search.facets import price_bands
from catalog.search.filters import SortKey
from catalog.search.hits import HIT_JOINS_SQL, HIT_JSON_SQL

# The statement (below) names the filtered matches m; a ``check`` reads them by this name.
MATCHES_CTE = "m"


@dataclass(frozen=True)
class PassResult:
    # (id, sort key value, distance_km or None, hit), in page order, at most page_size + 1;
    # hit is catalog.search.hits.HIT_JSON_SQL's array
    page: list[list[Any]]
    # per category: (category_id, rows passing the price filter, [rows per band passing the
    # category filter]); None when facets were not asked for
    facet_rows: list[tuple[int, int, list[int]]] | None
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


def run_single_pass(
    parts: list[QuerySet],
    *,
    keys: list[SortKey],
    after: list[Any] | None,
    page_size: int,
    category_ids: list[int] | None,
    min_price: int | None,
    max_price: int | None,
    currency: str,
    with_distance: bool,
    with_facets: bool,
    materialize: bool = True,
    check: tuple[str, list[Any]] | None = None,
) -> PassResult:
    columns = ["id", "category_id", "price_minor"]
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
    if after is not None:
        keyset, keyset_params = _keyset_sql(keys, after)
        page_where.append(keyset)
        page_params.extend(keyset_params)
    direction = "DESC" if keys[0].descending else "ASC"
    order = f"{_quote(keys[0].name)} {direction}, {_quote(keys[1].name)} {direction}"
    distance_col = _quote("distance_km") if with_distance else "NULL::float8"

    sql = (
        f"WITH m AS {'' if materialize else 'NOT '}MATERIALIZED ({inner_sql}), "
        f"page AS (SELECT id, {_quote(keys[0].name)} AS k, {distance_col} AS d FROM m "
        f"WHERE {' AND '.join(page_where)} ORDER BY {order} LIMIT %s)"
    )
    params.extend(page_params)
    params.append(page_size + 1)
    select = [
        f"(SELECT json_agg(json_build_array(page.id, page.k, page.d, {HIT_JSON_SQL}) "
        f"ORDER BY page.k {direction}, page.id {direction}) FROM page {HIT_JOINS_SQL})"
    ]
    if with_facets:
        # One group per (category, price band, passes the price filter): hashing three small
        # keys per row costs a third of six FILTERed counts, each testing the category list
        # and the band's bounds. Python rolls the groups up (_facet_rows).
        bands = price_bands(currency)
        band_of = " ".join(
            f"WHEN price_minor < {int(hi)} THEN {i}"
            for i, (_, hi) in enumerate(bands[:-1])
            if hi is not None  # only the last band is open-ended
        )
        sql += (
            f", facet AS (SELECT category_id, CASE {band_of} ELSE {len(bands) - 1} END AS band, "
            f"({price_sql}) AS in_price, count(*) AS n FROM m GROUP BY 1, 2, 3)"
        )
        params.extend(price_params)
        select.append(
            "(SELECT json_agg(json_build_array(category_id, band, in_price, n)) FROM facet)"
        )
    if check is not None:
        select.append(check[0])
        params.extend(check[1])
    sql += " SELECT " + ", ".join(select)

    with connection.cursor() as cursor:
        row = _fetch_one_planned_for_latency(cursor, sql, params)
    values = iter(row)
    page = next(values) or []
    facet_rows = None
    if with_facets:
        facet_rows = _facet_rows(next(values) or [], category_ids, len(bands))
    checked = next(values) if check is not None else None
    return PassResult(page=page, facet_rows=facet_rows, check=checked)


def _facet_rows(
    groups: list[list[Any]], category_ids: list[int] | None, band_count: int
) -> list[tuple[int, int, list[int]]]:
    """Per category: rows passing the price filter, and per band the rows passing the
    category filter (each facet ignores its own filter)."""
    in_category = None if category_ids is None else set(category_ids)
    by_category: dict[int, tuple[list[int], list[int]]] = {}
    for category_id, band, in_price, count in groups:
        in_price_count, bands = by_category.setdefault(category_id, ([0], [0] * band_count))
        if in_price:
            in_price_count[0] += count
        if in_category is None or category_id in in_category:
            bands[band] += count
    return [(cat, total[0], bands) for cat, (total, bands) in by_category.items()]


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
