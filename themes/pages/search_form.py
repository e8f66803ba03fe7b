"""What the search page's form, facets and pager show: the choices of each filter, the
facets' counts as links that refine the search, and the pager: numbered links to a window of
pages around this one and to the first and last (the API's ``page``, as deep as it goes),
the next page by its cursor and the previous one from the page's ``trail`` (see
themes.pages.search)."""

from __future__ import annotations

import math

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from catalog.models import Badge
from catalog.search.params import LISTING_SORTS, MAX_PAGE
from catalog.selectors.taxonomy import category_tree, listing_type_list
from themes.pages.profiles import BADGE_LABELS
from themes.selectors.places import search_places

KIND_LABELS = {"listings": _("Listings"), "providers": _("Providers")}
SORT_LABELS = {
    "relevance": _("Best match"),
    "newest": _("Newest"),
    "rating": _("Best rated"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "distance": _("Nearest (choose a place)"),
}
RATINGS = ("4.5", "4", "3", "2", "1")
RADII_KM = ("5", "10", "25", "50", "100", "250")
# Fields the form shows an error beside; any other parameter's error goes above the form.
FORM_FIELDS = {
    "q",
    "category",
    "min_price",
    "max_price",
    "rating",
    "sort",
    "kind",
    "badges",
    "place",
    "lat",
    "lon",
    "radius_km",
    "available_on",
    "online",
    "type",
    "tags",
    "within_travel_radius",
}
# In the trail: a page reached by number, which has no cursor: "-" the first, "-7" page 7.
FIRST_PAGE = "-"
# Numbered links to this many pages either side of this one (and to the first and last).
PAGE_WINDOW = 2


def _categories(nodes, depth=0):
    """The category tree as (slug, names, name, depth) rows, depth-first, for one select."""
    for node in nodes:
        yield {"slug": node["slug"], "names": node["names"], "name": node["name"], "depth": depth}
        yield from _categories(node["children"], depth + 1)


def _query(kind: str, values: QueryDict, own: dict[str, list[str]], **changes) -> str:
    """``?…`` of this search on its first page, with ``changes`` (None removes a name)."""
    query = values.copy()
    for name in ("cursor", "trail", "page"):
        query.pop(name, None)
    query.setlist("kind", [kind])
    place = [value for value in own.get("place", []) if value.strip()]
    if place:
        query.setlist("place", place[:1])
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, value if isinstance(value, list) else [str(value)])
    return "?" + query.urlencode()


def _facets(kind: str, values: QueryDict, own: dict[str, list[str]], facets) -> dict | None:
    if not facets:
        return None
    chosen_category = values.get("category")
    categories = [
        {
            **row,
            "url": _query(kind, values, own, category=row["slug"]),
            "chosen": chosen_category in {row["slug"], str(row["id"])},
        }
        for row in facets["categories"]
        if row["count"] or chosen_category in {row["slug"], str(row["id"])}
    ]
    bands = []
    for row in facets["price_bands"]:
        high = row["max_price"]
        # A band is [min, max); the API's max_price is inclusive.
        top = None if high is None else high - 1
        bands.append(
            {
                **row,
                "url": _query(kind, values, own, min_price=row["min_price"], max_price=top),
                "chosen": values.get("min_price") == str(row["min_price"])
                and values.get("max_price") == (None if top is None else str(top)),
            }
        )
    return {
        "categories": categories,
        "price_bands": bands,
        "badges": _badge_facet(kind, values, own, facets["badges"]),
        "currency": facets["currency"],
    }


def _badge_facet(kind: str, values: QueryDict, own: dict[str, list[str]], rows) -> list[dict]:
    """Badges with results, and the chosen ones: a link adds its badge to the chosen ones,
    or takes it away when it is chosen."""
    chosen = _chosen_badges(values)
    shown = []
    for row in rows:
        picked = row["slug"] in chosen
        if not (row["count"] or picked):
            continue
        badges = [b for b in chosen if b != row["slug"]] if picked else [*chosen, row["slug"]]
        url = _query(kind, values, own, badges=badges or None)
        shown.append({**row, "url": url, "chosen": picked})
    return shown


def _chosen_badges(values: QueryDict) -> list[str]:
    """The badges parameter's values, repeated or comma-separated, in order, once each."""
    names = (name.strip() for value in values.getlist("badges") for name in value.split(","))
    return list(dict.fromkeys(name for name in names if name))


def form_context(*, kind: str, values: QueryDict, own: dict[str, list[str]]) -> dict:
    badges = set(_chosen_badges(values))
    place = next((value for value in own.get("place", []) if value.strip()), "")
    return {
        "kind": kind,
        "kinds": KIND_LABELS.items(),
        "values": values.dict(),
        "place": place,
        "places": search_places(),
        "radii": RADII_KM,
        "sorts": [(name, SORT_LABELS[name]) for name in LISTING_SORTS],
        "ratings": RATINGS,
        "badges": [(value, BADGE_LABELS.get(value, value), value in badges) for value in Badge],
        "categories": list(_categories(category_tree())),
        "listing_types": list(listing_type_list()),
        "example_price": 1000,
    }


def pager_links(
    *, kind: str, values: QueryDict, own, trail: list[str], page, page_size: int | None
) -> dict:
    """The pager: this page's number and the number of pages, numbered links, next and
    previous; and the facets."""
    links: dict = {
        "page_number": len(trail) + 1,
        "page_count": None,
        "page_links": [],
        "next_url": None,
        "previous_url": None,
    }
    links["facets"] = _facets(kind, values, own, page.facets if page is not None else None)
    if page is None:
        return links
    number = page.page or links["page_number"]
    links["page_number"] = number
    if page.count is not None and page_size:
        pages = max(1, math.ceil(page.count / page_size))
        links["page_count"] = pages
        links["page_links"] = _numbered(kind, values, own, number=number, pages=pages)
    if page.next_cursor:
        here = _trail_mark(values)
        links["next_url"] = _query(kind, values, own, cursor=page.next_cursor, trail=[*trail, here])
    if trail:
        links["previous_url"] = _query(
            kind, values, own, trail=trail[:-1] or None, **_at(trail[-1])
        )
    elif 1 < number <= MAX_PAGE + 1:
        # Reached by number, or by a cursor without a trail: the previous page by number.
        links["previous_url"] = _query(kind, values, own, **_at(f"{FIRST_PAGE}{number - 1}"))
    return links


def _numbered(kind: str, values: QueryDict, own, *, number: int, pages: int) -> list[dict]:
    """The first and last page, and a window around this one; the pages that only a cursor
    reaches (beyond MAX_PAGE) have no link. A gap (``…``) where numbers are left out."""
    wanted = {1, pages, *range(number - PAGE_WINDOW, number + PAGE_WINDOW + 1)}
    shown = sorted(n for n in wanted if n == number or (1 <= n <= min(pages, MAX_PAGE)))
    links: list[dict] = []
    before = 0
    for n in shown:
        if n - before > 1:
            links.append({"gap": True})
        current = n == number
        url = None if current else _query(kind, values, own, page=n if n > 1 else None)
        links.append({"number": n, "current": current, "url": url})
        before = n
    if before < pages:
        links.append({"gap": True})
    return links


def _trail_mark(values: QueryDict) -> str:
    """Where this page is, for the trail: its cursor, or its number."""
    cursor = values.get("cursor")
    if cursor:
        return str(cursor)
    number = values.get("page", "")
    return FIRST_PAGE if number in {"", "1"} else f"{FIRST_PAGE}{number}"


def _at(mark: str) -> dict:
    """The query's changes that go to a page of the trail (_trail_mark)."""
    if not mark.startswith(FIRST_PAGE):
        return {"cursor": mark}
    number = mark.removeprefix(FIRST_PAGE)
    if number.isascii() and number.isdigit() and len(number) < 4 and 1 < int(number) <= MAX_PAGE:
        return {"page": int(number)}
    return {}
