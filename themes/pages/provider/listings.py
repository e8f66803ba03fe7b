"""/provider/listings/: the provider's listings in every state; drafting one of a listing type
(``listing_create``), changing it (``listing_update``), publishing, pausing or archiving it
(``listing_publish``, ``listing_pause``, ``listing_archive``), and its media. Another
provider's listing is not found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
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
    form = ListingForm(
        request.POST or None,
        categories=_categories(),
        listing_types=[(listing_type.pk, in_language(listing_type.names) or listing_type.name)],
        pricing=listing_type.pricing,
        currency=request.tenant.default_currency,
        initial={"listing_type": listing_type.pk},
    )
    context: dict[str, Any] = {"form": form, "listing_type": listing_type, "listing": None}
    template = "site/provider/listing_form.html"
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        listing = listing_create(actor=request.user, listing_type_id=listing_type.pk,
                                 changes=ListingChanges(**form.changes()))  # fmt: skip
    except ServiceError as error:
        return refused(request, template, context, form, error)
    messages.success(request, _("Your listing is drafted; publish it when it is ready."))
    return redirect("provider-listing", listing_id=listing.pk)


def _initial(listing: Listing) -> dict:
    initial = {
        "title": listing.title,
        "category": listing.category_id,
        "description": listing.description,
        "price_minor": listing.price_minor,
    }
    package = listing.packages.order_by("price_minor").first()
    if package is not None:
        initial |= {"price_minor": package.price_minor, "delivery_days": package.delivery_days,
                    "revisions": package.revisions}  # fmt: skip
    tier = listing.ticket_tiers.order_by("position", "pk").first()
    if tier is not None:
        initial |= {"price_minor": tier.price_minor, "capacity": tier.capacity}
    if listing.starts_at:
        initial |= {"starts_at": listing.starts_at, "ends_at": listing.ends_at}
    return initial


def _keep_others(listing: Listing, changes: dict) -> dict:
    """The form edits the cheapest package (or the first ticket tier); the others stay as they
    are, since the service replaces the whole set."""
    if "packages" in changes:
        packages = list(listing.packages.order_by("price_minor"))
        edited = changes["packages"][0]
        if packages:
            edited |= {"tier": packages[0].tier, "name": packages[0].name,
                       "description": packages[0].description}  # fmt: skip
        changes["packages"] = (
            [edited]
            + [
                {
                    "tier": p.tier,
                    "name": p.name,
                    "description": p.description,
                    "price_minor": p.price_minor,
                    "delivery_days": p.delivery_days,
                    "revisions": p.revisions,
                }  # fmt: skip
                for p in packages[1:]
            ]
        )
    if "ticket_tiers" in changes:
        tiers = list(listing.ticket_tiers.order_by("position", "pk"))
        edited = changes["ticket_tiers"][0]
        if tiers:
            edited |= {"name": tiers[0].name, "description": tiers[0].description}
        changes["ticket_tiers"] = [edited] + [
            {"name": t.name, "description": t.description, "price_minor": t.price_minor,
             "capacity": t.capacity, "sales_start": t.sales_start, "sales_end": t.sales_end}
            for t in tiers[1:]
        ]  # fmt: skip
    return changes


@require_http_methods(["GET", "HEAD", "POST"])
@provider_page
def listing_edit(request, listing_id: int):
    listing = _own_listing(request, listing_id)
    form = ListingForm(
        request.POST or None,
        categories=_categories(),
        pricing=listing.listing_type.pricing,
        currency=listing.currency,
        initial=_initial(listing),
    )
    context = {
        "form": form,
        "listing": listing,
        "status_label": STATUS_LABELS.get(listing.status, listing.status),
        "listing_type": listing.listing_type,
        "media": list(media_list(owner=listing)),
        "media_form": MediaForm(),
    }
    template = "site/provider/listing_form.html"
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        changes = _keep_others(listing, form.changes())
        listing_update(actor=request.user, listing_id=listing.pk,
                       changes=ListingChanges(**changes))  # fmt: skip
    except ServiceError as error:
        return refused(request, template, context, form, error)
    messages.success(request, _("Your listing is saved."))
    return redirect("provider-listing", listing_id=listing.pk)


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
