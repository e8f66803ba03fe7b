"""/search/: the API's listing and provider search as a form and a page of results.

The query string is validated by the API's serializers (catalog.api.search_params) and
searched by the same selectors; only the form's blank fields are left out first (a browser
sends every field, and the API refuses empty ones) and ``kind`` picks the search."""

from __future__ import annotations

import dataclasses
import math
from typing import cast

from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from rest_framework.views import APIView

from api.throttles import ClientScopedRateThrottle
from catalog.api.search_params import ListingSearchQuerySerializer, ProviderSearchQuerySerializer
from catalog.search.params import LISTING_SORTS, PROVIDER_SORTS
from catalog.selectors.search import listing_search, provider_search
from catalog.selectors.taxonomy import category_tree
from config.errors import InvalidInput

KINDS = {
    "listings": (ListingSearchQuerySerializer, listing_search, LISTING_SORTS),
    "providers": (ProviderSearchQuerySerializer, provider_search, PROVIDER_SORTS),
}
KIND_LABELS = {"listings": _("Listings"), "providers": _("Providers")}
SORT_LABELS = {
    "relevance": _("Best match"),
    "newest": _("Newest"),
    "rating": _("Best rated"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "distance": _("Nearest"),
}
# The form has no place or distance fields: sorting by distance needs a point.
FORM_SORTS = ("relevance", "newest", "rating", "price_asc", "price_desc")
RATINGS = ("4.5", "4", "3", "2", "1")


class _SearchScope:
    """What DRF's scoped throttle reads of a view: the page spends the API's allowance, so a
    client cannot search more through the page than through the API."""

    throttle_scope = "search"


def _retry_after(request) -> int | None:
    """None while the client may search, else in how many seconds it may again."""
    throttle = ClientScopedRateThrottle()
    if throttle.allow_request(request, cast(APIView, _SearchScope)):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def _categories(nodes, depth=0):
    """The category tree as (slug, names, name, depth) rows, depth-first, for one select."""
    for node in nodes:
        yield {"slug": node["slug"], "names": node["names"], "name": node["name"], "depth": depth}
        yield from _categories(node["children"], depth + 1)


def _given(request) -> tuple[str, QueryDict]:
    """The search's kind and the parameters filled in (blank form fields left out)."""
    kind = request.GET.get("kind") or "listings"
    given = QueryDict(mutable=True)
    for name in request.GET:
        values = [value for value in request.GET.getlist(name) if value.strip()]
        if name != "kind" and values:
            given.setlist(name, values)
    return kind, given


@require_safe
def search(request):
    kind, given = _given(request)
    errors: dict[str, list[str]] = {}
    message = ""
    page = None
    if kind not in KINDS:
        errors["kind"] = [str(_("Choose listings or providers."))]
        message = str(_("Some search parameters are not valid."))
        kind = "listings"
    serializer, selector, sorts = KINDS[kind]
    retry_after = _retry_after(request)
    if retry_after is not None:
        message = ngettext(
            "Too many searches; try again in %(seconds)s second.",
            "Too many searches; try again in %(seconds)s seconds.",
            retry_after,
        ) % {"seconds": retry_after}
    elif not errors:
        try:
            params = serializer.search_params(given)
            page = selector(params=dataclasses.replace(params, facets=False), viewer=request.user)
        except InvalidInput as error:
            message, errors = error.message, error.details
            page = None
    # Errors the form has no field for (an unknown parameter, a bad cursor) go above it.
    fields = {"q", "category", "min_price", "max_price", "rating", "sort", "kind"}
    field_errors = {name: errors[name] for name in errors if name in fields}
    other_errors = [m for name, found in errors.items() if name not in fields for m in found]

    next_url = None
    if page is not None and page.next_cursor:
        query = given.copy()
        query.setlist("kind", [kind])
        query.setlist("cursor", [page.next_cursor])
        next_url = "?" + query.urlencode()
    values = given.dict()
    context = {
        "kind": kind,
        "kinds": KIND_LABELS.items(),
        "values": values,
        "sorts": [(name, SORT_LABELS[name]) for name in FORM_SORTS if name in sorts],
        "ratings": RATINGS,
        "categories": list(_categories(category_tree())),
        "page": page,
        "next_url": next_url,
        "message": message,
        "field_errors": field_errors,
        "other_errors": other_errors,
        "example_price": 1000,
    }
    if retry_after is not None:
        response = render(request, "site/search.html", context, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    return render(request, "site/search.html", context, status=400 if message else 200)
