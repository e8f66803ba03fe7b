"""/search/: the API's listing and provider search as a form and a page of results.

The query string is validated by the API's serializers (catalog.api.search_params) and
searched by the same selectors; only the form's blank fields are left out first (a browser
sends every field, and the API refuses empty ones). A few parameters are the page's own and
are taken out before: ``kind`` picks the search, ``place`` names one of the marketplace's
known places and becomes the API's ``lat`` and ``lon``, and ``trail`` holds the cursors of
the pages before this one, so the page can link back (the API's keyset cursor only goes on).
The facets (counts per category and price band) come with the page, from the same selector
call."""

from __future__ import annotations

import dataclasses
import math
from typing import cast

from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from rest_framework.views import APIView

from api.throttles import ClientScopedRateThrottle
from catalog.api.search_params import ListingSearchQuerySerializer, ProviderSearchQuerySerializer
from catalog.selectors.search import listing_search, provider_search
from config.errors import InvalidInput
from themes.pages.search_form import FORM_FIELDS, form_context, pager_links
from themes.selectors.places import place_find

KINDS = {
    "listings": (ListingSearchQuerySerializer, listing_search),
    "providers": (ProviderSearchQuerySerializer, provider_search),
}
PAGE_ONLY = {"kind", "place", "trail"}
# The form's fields of one kind of search, left out of the other (the kind's radio buttons
# change without the form being drawn again).
KIND_ONLY = {"listings": {"type"}, "providers": {"within_travel_radius"}}
# How many earlier pages the "previous" link remembers.
MAX_TRAIL = 20


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


def _given(request) -> tuple[str, QueryDict, dict[str, list[str]]]:
    """The search's kind, the API's parameters filled in (blank form fields left out) and
    the page's own ones."""
    kind = request.GET.get("kind") or "listings"
    given = QueryDict(mutable=True)
    own: dict[str, list[str]] = {}
    others = {name for other, names in KIND_ONLY.items() if other != kind for name in names}
    for name in request.GET:
        values = [value for value in request.GET.getlist(name) if value.strip()]
        if name in others:
            continue
        if name in PAGE_ONLY:
            own[name] = request.GET.getlist(name)
        elif values:
            given.setlist(name, values)
    return kind, given, own


def _place_point(given: QueryDict, own: dict[str, list[str]]) -> dict[str, list[str]]:
    """Puts the chosen place's point into ``given`` as lat and lon; errors for the form."""
    name = (own.get("place") or [""])[0].strip()
    if not name:
        return {}
    if "lat" in given or "lon" in given:
        return {"place": [_("Choose a place or give lat and lon, not both.")]}
    place = place_find(name)
    if place is None:
        return {"place": [_("Unknown place: %(name)s.") % {"name": name}]}
    given.setlist("lat", [str(place.lat)])
    given.setlist("lon", [str(place.lon)])
    return {}


@require_safe
def search(request):
    kind, given, own = _given(request)
    trail = [cursor for cursor in own.get("trail", []) if cursor][-MAX_TRAIL:]
    errors: dict[str, list[str]] = {}
    message = ""
    page = None
    if kind not in KINDS:
        errors["kind"] = [_("Choose listings or providers.")]
        kind = "listings"
    serializer, selector = KINDS[kind]
    values = given.copy()  # as typed, before the place becomes a point
    errors |= _place_point(given, own)
    if errors:
        message = _("Some search parameters are not valid.")
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
            page = selector(params=dataclasses.replace(params, facets=True), viewer=request.user)
        except InvalidInput as error:
            message, errors = error.message, error.details
            page = None
    # Errors the form has no field for (an unknown parameter, a bad cursor) go above it.
    field_errors = {name: errors[name] for name in errors if name in FORM_FIELDS}
    other_errors = [m for name, found in errors.items() if name not in FORM_FIELDS for m in found]

    context = form_context(kind=kind, values=values, own=own)
    context.update(
        page=page,
        message=message,
        field_errors=field_errors,
        other_errors=other_errors,
        **pager_links(kind=kind, values=values, own=own, trail=trail, page=page),
    )
    if retry_after is not None:
        response = render(request, "site/search.html", context, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    return render(request, "site/search.html", context, status=400 if message else 200)
