"""What the search page's form, facets and pager show: the choices of each filter, the
facets' counts as links that refine the search, and links to the next, previous and first
pages (the page's ``trail`` of earlier cursors; see themes.pages.search)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from catalog.models import Badge
from catalog.search.params import LISTING_SORTS
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
FIRST_PAGE = "-"  # in the trail: the first page, which has no cursor


def _categories(nodes, depth=0):
    """The category tree as (slug, names, name, depth) rows, depth-first, for one select."""
    for node in nodes:
        yield {"slug": node["slug"], "names": node["names"], "name": node["name"], "depth": depth}
        yield from _categories(node["children"], depth + 1)


def _query(kind: str, values: QueryDict, own: dict[str, list[str]], **changes) -> str:
    """``?…`` of this search on its first page, with ``changes`` (None removes a name)."""
    query = values.copy()
    for name in ("cursor", "trail"):
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
    return {"categories": categories, "price_bands": bands, "currency": facets["currency"]}


def form_context(*, kind: str, values: QueryDict, own: dict[str, list[str]]) -> dict:
    badges = set(values.getlist("badges"))
    for value in values.getlist("badges"):
        badges |= {name.strip() for name in value.split(",")}
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


def pager_links(*, kind: str, values: QueryDict, own, trail: list[str], page) -> dict:
    """Next, previous and first page, and this page's number."""
    links: dict = {"page_number": len(trail) + 1, "next_url": None, "previous_url": None}
    links["first_url"] = _query(kind, values, own) if trail else None
    links["facets"] = _facets(kind, values, own, page.facets if page is not None else None)
    if page is None:
        return links
    here = values.get("cursor") or FIRST_PAGE
    if page.next_cursor:
        links["next_url"] = _query(kind, values, own, cursor=page.next_cursor, trail=[*trail, here])
    if trail:
        before = trail[-1]
        links["previous_url"] = _query(
            kind,
            values,
            own,
            cursor=None if before == FIRST_PAGE else before,
            trail=trail[:-1] or None,
        )
    return links
