"""Saved providers and listings: idempotent adds and removes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Favorite, Listing, ProviderProfile
from config.errors import NotFound


def _visible_listing(actor, listing_id: int) -> Listing:
    listing = Listing.objects.filter(pk=listing_id).select_related("provider").first()
    if listing is None or (
        listing.status != Listing.Status.PUBLISHED and listing.provider.user_id != actor.pk
    ):
        raise NotFound(_("No such listing."))
    return listing


@transaction.atomic
def favorite_add(
    *, actor, provider_id: int | None = None, listing_id: int | None = None
) -> tuple[Favorite, bool]:
    """Save a provider or a listing for ``actor``. Returns (favorite, created)."""
    if (provider_id is None) == (listing_id is None):
        raise ValueError("Pass exactly one of provider_id and listing_id.")
    if provider_id is not None:
        provider = ProviderProfile.objects.filter(pk=provider_id).first()
        if provider is None:
            raise NotFound(_("No such provider."))
        return Favorite.objects.get_or_create(user=actor, provider=provider, listing=None)
    assert listing_id is not None  # exactly one of the two was given
    listing = _visible_listing(actor, listing_id)
    return Favorite.objects.get_or_create(user=actor, listing=listing, provider=None)


@transaction.atomic
def favorite_remove(
    *, actor, provider_id: int | None = None, listing_id: int | None = None
) -> None:
    """Forget a saved provider or listing; removing what is not saved is not an error."""
    if (provider_id is None) == (listing_id is None):
        raise ValueError("Pass exactly one of provider_id and listing_id.")
    Favorite.objects.filter(
        user=actor,
        provider_id=provider_id,
        listing_id=listing_id,  # type: ignore[misc]  # plugin drops null=True on <model>_id lookups
    ).delete()
