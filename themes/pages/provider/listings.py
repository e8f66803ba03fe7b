"""/provider/listings/: the provider's listings in every state; drafting one of a listing type
(``listing_create``), changing it with all its packages or ticket tiers at once
(``listing_update``, themes.pages.provider.listing_sets), publishing it as it is saved, pausing
or archiving it (``listing_publish``, ``listing_pause``, ``listing_archive``), and its media.
Date-times are typed and shown in the marketplace's time zone. Another provider's listing is
not found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import Listing, ListingType
from catalog.selectors.listings import own_listings
from catalog.selectors.media import media_list
from catalog.selectors.taxonomy import category_tree, listing_type_list
from catalog.services.listing_input import ListingChanges
from catalog.services.listings import (
    listing_archive,
    listing_create,
    listing_pause,
    listing_publish,
    listing_update,
)
from config.errors import ServiceError
from themes.pages.provider.common import MAX_ID, own_profile_or_none, provider_page, refused
from themes.pages.provider.forms import ListingForm, MediaForm
from themes.pages.provider.listing_sets import ListingSets
from themes.templatetags.site import in_language

ACTIONS = {"publish": listing_publish, "pause": listing_pause, "archive": listing_archive}
STATUS_DONE: dict[str, Any] = {
    Listing.Status.PUBLISHED: gettext_lazy("The listing is published."),
    Listing.Status.PAUSED: gettext_lazy("The listing is paused."),
    Listing.Status.ARCHIVED: gettext_lazy("The listing is archived."),
    Listing.Status.DRAFT: gettext_lazy("The listing is a draft."),
}
STATUS_LABELS: dict[str, Any] = {
    Listing.Status.PUBLISHED: gettext_lazy("Published"),
    Listing.Status.PAUSED: gettext_lazy("Paused"),
    Listing.Status.ARCHIVED: gettext_lazy("Archived"),
    Listing.Status.DRAFT: gettext_lazy("Draft"),
}


def _categories() -> list[tuple[int, str]]:
    def walk(nodes, depth=0):
        for node in nodes:
            yield node["id"], "– " * depth + (in_language(node["names"]) or node["name"])
            yield from walk(node["children"], depth + 1)

    return list(walk(category_tree()))


def _own_listing(request, listing_id: int) -> Listing:
    if listing_id > MAX_ID:
        raise Http404
    listing = own_listings(user=request.user).filter(pk=listing_id).first()
    if listing is None:
        raise Http404
    return listing


@require_safe
@provider_page
def listing_index(request):
    context = {
        "profile": own_profile_or_none(request.user),
        "listings": [
            (listing, STATUS_LABELS.get(listing.status, listing.status))
            for listing in own_listings(user=request.user)
        ],  # fmt: skip
        "listing_types": list(listing_type_list()),
    }
    return render(request, "site/provider/listings.html", context)


def _listing_type(request) -> ListingType | None:
    wanted = request.POST.get("listing_type") or request.GET.get("type") or ""
    if not wanted.isdigit() or int(wanted) > MAX_ID:
        return None
    return listing_type_list().filter(pk=int(wanted)).first()


def _answer(request, context: dict, save, saved: str):
    """The listing form answered: drawn for a GET, refused beside the field or row at fault,
    or saved through ``save(changes)`` (listing_create or listing_update), and published too
    when the provider pressed "Save and publish": both or neither, so that what the publishing
    refuses (catalog.services.listings.listing_missing) lands beside its field, as typed."""
    template = "site/provider/listing_form.html"
    form, sets = context["form"], context["sets"]
    if request.method != "POST":
        return render(request, template, context)
    if not all([form.is_valid(), sets.is_valid()]):  # both, so that every error shows
        return render(request, template, context, status=400)
    try:
        with transaction.atomic():
            listing = save(ListingChanges(**form.changes(), **sets.changes()))
            if "publish" in request.POST and listing.status != Listing.Status.PUBLISHED:
                listing = listing_publish(actor=request.user, listing_id=listing.pk)
                saved = STATUS_DONE[listing.status]
    except ServiceError as error:
        return refused(request, template, context, form, sets.place(error))
    messages.success(request, saved)
    return redirect("provider-listing", listing_id=listing.pk)


def _time_zone(request) -> str:
    return request.tenant.time_zone


@require_http_methods(["GET", "HEAD", "POST"])
@provider_page
def listing_new(request):
    if own_profile_or_none(request.user) is None:
        messages.error(request, _("Create your provider profile first."))
        return redirect("provider-profile")
    listing_type = _listing_type(request)
    if listing_type is None:
        kinds = {"listing_types": list(listing_type_list())}
        return render(request, "site/provider/listing_kind.html", kinds)
    currency = request.tenant.default_currency
    data = request.POST or None
    form = ListingForm(
        data,
        categories=_categories(),
        listing_types=[(listing_type.pk, in_language(listing_type.names) or listing_type.name)],
        listing_type=listing_type,
        currency=currency,
        time_zone=_time_zone(request),
        initial={"listing_type": listing_type.pk},
    )
    sets = ListingSets(data, listing_type=listing_type, currency=currency,
                       time_zone=_time_zone(request))  # fmt: skip
    context: dict[str, Any] = {"form": form, "sets": sets, "listing_type": listing_type,
                               "listing": None}  # fmt: skip

    def create(changes: ListingChanges) -> Listing:
        return listing_create(actor=request.user, listing_type_id=listing_type.pk,
                              changes=changes)  # fmt: skip

    return _answer(request, context, create,
                   _("Your listing is drafted; publish it when it is ready."))  # fmt: skip


def _initial(listing: Listing) -> dict:
    """The listing's values for each field the form may have (it draws those it has)."""
    names = ("title", "description", "price_minor", "stock", "starts_at", "ends_at",
             "location_name", "latitude", "longitude")  # fmt: skip
    return {"category": listing.category_id} | {name: getattr(listing, name) for name in names}


@require_http_methods(["GET", "HEAD", "POST"])
@provider_page
def listing_edit(request, listing_id: int):
    listing = _own_listing(request, listing_id)
    data = request.POST or None
    form = ListingForm(
        data,
        categories=_categories(),
        listing_type=listing.listing_type,
        currency=listing.currency,
        time_zone=_time_zone(request),
        initial=_initial(listing),
    )
    sets = ListingSets(data, listing_type=listing.listing_type, currency=listing.currency,
                       time_zone=_time_zone(request), listing=listing)  # fmt: skip
    context = {
        "form": form,
        "sets": sets,
        "listing": listing,
        "status_label": STATUS_LABELS.get(listing.status, listing.status),
        "listing_type": listing.listing_type,
        "media": list(media_list(owner=listing)),
        "media_form": MediaForm(),
    }

    def update(changes: ListingChanges) -> Listing:
        return listing_update(actor=request.user, listing_id=listing.pk, changes=changes)

    return _answer(request, context, update, _("Your listing is saved."))


@require_POST
@provider_page
def listing_status(request, listing_id: int):
    listing = _own_listing(request, listing_id)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose publish, pause or archive."))
        return redirect("provider-listing", listing_id=listing.pk)
    try:
        changed = action(actor=request.user, listing_id=listing.pk)
    except ServiceError as error:
        missing = [str(item) for items in (error.details or {}).values()
                   if isinstance(items, list) for item in items]  # fmt: skip
        messages.error(request, " ".join([error.message, *missing]))
    else:
        messages.success(request, STATUS_DONE[changed.status])
    return redirect("provider-listing", listing_id=listing.pk)
