"""Where a search page starts and what it is called: sort keys, keyset cursors, page numbers.

A page starts after a keyset cursor (``next_cursor`` of the page before: stable while rows are
added) or at an offset (``page``, 1-based, at most ``params.MAX_PAGE``: lets a client jump to
page N). Either way the page's last row gives the next cursor, so a client that jumped goes on
by cursor. The number of a page reached by cursor is worked out from the rows before the
cursor, which the facet counts see anyway (``SearchPage.page``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from catalog.search.cursor import cursor_decode, cursor_encode
from catalog.search.filters import SortKey, keyset_after
from catalog.search.params import SearchParams
from config.errors import InvalidInput

ID_DESC = SortKey("id", descending=True, kind="int")
ID_ASC = SortKey("id", descending=False, kind="int")


def listing_sort_keys(sort: str) -> list[SortKey]:
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
    }[sort]


def provider_sort_keys(sort: str) -> list[SortKey]:
    return {
        "relevance": [SortKey("rank", descending=True), ID_DESC],
        "price_asc": [SortKey("price", descending=False, kind="int"), ID_ASC],
        "price_desc": [SortKey("price", descending=True, kind="int"), ID_DESC],
        "rating": [SortKey("rating_avg", descending=True, kind="decimal"), ID_DESC],
        "distance": [SortKey("distance_km", descending=False), ID_ASC],
        "newest": [SortKey("created_at", descending=True, kind="datetime"), ID_DESC],
    }[sort]


def page_offset(params: SearchParams) -> int:
    return (params.page - 1) * params.page_size if params.page else 0


def page_number(params: SearchParams, *, before: int | None) -> int | None:
    """This page's number: the one asked for, 1 for the first, else from the ``before`` rows
    (those ahead of the cursor, with every filter); None when they were not counted."""
    if params.page:
        return params.page
    if not params.cursor:
        return 1
    if before is None:
        return None
    return before // params.page_size + 1


def cursor_values(params: SearchParams, keys: list[SortKey]) -> list | None:
    """The sort key values the cursor carries, checked against ``keys``; None without one."""
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


def json_key(key: SortKey, value):
    """A sort key read back from json_build_array, in the form the cursor stores."""
    if value is None or key.kind in {"float", "int", "datetime"}:
        return value
    return str(value)


def queryset_page(
    qs: QuerySet, params: SearchParams, keys: list[SortKey], values: list | None
) -> tuple[list, str | None]:
    """One page of ``qs`` after the cursor's ``values`` or at the page's offset, and the
    cursor of the next page (None on the last)."""
    if values is not None:
        qs = qs.filter(keyset_after(keys, values))
    start = page_offset(params)
    ordered = qs.order_by(*(key.order_by() for key in keys))
    rows = list(ordered[start : start + params.page_size + 1])
    if len(rows) <= params.page_size:
        return rows, None
    rows = rows[: params.page_size]
    last = rows[-1]
    key = [k.dump(_attr(last, k.name)) for k in keys]
    return rows, cursor_encode(sort=params.sort, q=params.q, key=key)


def _attr(obj, dotted: str) -> Any:
    for part in dotted.split("__"):
        obj = getattr(obj, part)
    return obj
