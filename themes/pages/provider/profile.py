"""/provider/profile/: the provider's public profile (name, tagline, bio, location, rates)
through ``provider_profile_save`` (which also creates it), and the photos and videos of the
profile or of one of their listings through catalog's media service, which judges each file."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.selectors.listings import own_listings
from catalog.selectors.media import media_get, media_list
from catalog.services.media import media_add, media_delete, media_set_primary
from catalog.services.profiles import ProfileChanges, provider_profile_save
from config.errors import NotFound, ServiceError
from themes.pages.provider.common import MAX_ID, own_profile_or_none, provider_page, refused
from themes.pages.provider.forms import MediaForm, ProfileForm

PROFILE_FIELDS = ("display_name", "tagline", "bio", "location_name", "travel_radius_km",
                  "minimum_rate_minor", "hourly_rate_minor", "event_rate_minor")  # fmt: skip


def _currency(request) -> str:
    return request.tenant.default_currency


def _profile_context(request, profile, form, media_form=None) -> dict:
    return {
        "profile": profile,
        "form": form,
        "media_form": media_form or MediaForm(),
        "media": list(media_list(owner=profile)) if profile else [],
    }


@require_http_methods(["GET", "HEAD", "POST"])
@provider_page
def profile_edit(request):
    profile = own_profile_or_none(request.user)
    initial = {name: getattr(profile, name) for name in PROFILE_FIELDS} if profile else {}
    form = ProfileForm(request.POST or None, initial=initial, currency=_currency(request))
    template = "site/provider/profile.html"
    if request.method != "POST":
        return render(request, template, _profile_context(request, profile, form))
    if not form.is_valid():
        return render(request, template, _profile_context(request, profile, form), status=400)
    try:
        provider_profile_save(actor=request.user, changes=cast(ProfileChanges, form.changes()))
    except ServiceError as error:
        return refused(request, template, _profile_context(request, profile, form), form, error)
    messages.success(request, _("Your profile is saved."))
    return redirect("provider-profile")


def _owner(request, listing_id: int | None):
    """The profile, or one of the provider's own listings (any other: 404)."""
    if listing_id is None:
        profile = own_profile_or_none(request.user)
        if profile is None:
            raise Http404
        return profile, "provider-profile", {}
    if listing_id > MAX_ID:
        raise Http404
    listing = own_listings(user=request.user).filter(pk=listing_id).first()
    if listing is None:
        raise Http404
    return listing, "provider-listing", {"listing_id": listing.pk}


@require_POST
@provider_page
def media_upload(request, listing_id: int | None = None):
    owner, back, kwargs = _owner(request, listing_id)
    form = MediaForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            media_add(owner=owner, upload=form.cleaned_data["file"], actor=request.user,
                      caption=form.cleaned_data["caption"])  # fmt: skip
        except ServiceError as refusal:
            error = refusal
            form.add_error("file", refusal.message)
    if form.errors:
        context = {
            "owner_listing": owner if listing_id is not None else None,
            "media_form": form,
            "media": list(media_list(owner=owner)),
        }
        status = error.status if error else 400
        return render(request, "site/provider/media_refused.html", context, status=status)
    messages.success(request, _("The file is added."))
    return redirect(back, **kwargs)


@require_POST
@provider_page
def media_change(request, media_id: int, listing_id: int | None = None):
    """Make an item the primary one (``action=primary``) or delete it (``action=delete``)."""
    owner, back, kwargs = _owner(request, listing_id)
    if media_id > MAX_ID:
        raise Http404
    try:
        item = media_get(owner=owner, media_id=media_id)
    except NotFound as error:
        raise Http404(error.message) from error
    action = request.POST.get("action")
    try:
        if action == "primary":
            media_set_primary(item=item, actor=request.user)
            messages.success(request, _("This is now the main photo."))
        elif action == "delete":
            media_delete(item=item, actor=request.user)
            messages.success(request, _("The file is deleted."))
        else:
            messages.error(request, _("Choose what to do with the file."))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(back, **kwargs)
