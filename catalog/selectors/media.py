"""Reads for media: whose media a viewer may see, and the items themselves."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from catalog.models import Listing, MediaItem, ProviderProfile
from config.errors import NotFound

MediaOwner = ProviderProfile | Listing


def owner_user_id(owner: MediaOwner) -> int:
    return owner.user_id if isinstance(owner, ProviderProfile) else owner.provider.user_id


def can_manage_media(*, owner: MediaOwner, actor) -> bool:
    """The owning provider, or this marketplace's staff."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser or getattr(actor, "role", None) == "staff":
        return True
    return owner_user_id(owner) == actor.pk


def owner_filter(owner: MediaOwner) -> dict:
    return {"profile": owner} if isinstance(owner, ProviderProfile) else {"listing": owner}


def media_list(*, owner: MediaOwner) -> QuerySet[MediaItem]:
    return MediaItem.objects.filter(**owner_filter(owner)).order_by("position", "id")


def media_visible(*, owner: MediaOwner, viewer) -> QuerySet[MediaItem]:
    """What ``viewer`` sees of an owner's media: everything (processing and failed items too)
    for its managers, only ready items for everyone else."""
    items = media_list(owner=owner)
    if can_manage_media(owner=owner, actor=viewer):
        return items
    return items.filter(status=MediaItem.Status.READY)


def media_get(*, owner: MediaOwner, media_id: int) -> MediaItem:
    item = media_list(owner=owner).filter(pk=media_id).first()
    if item is None:
        raise NotFound(_("No such media item."))
    return item


def own_profile(*, user) -> ProviderProfile:
    profile = ProviderProfile.objects.filter(user_id=user.pk).first()
    if profile is None:
        raise NotFound(_("You have no provider profile yet."), code="no_profile")
    return profile


def listing_for_media(*, listing_id: int, viewer) -> Listing:
    """A listing whose media ``viewer`` may see: published ones, or any they manage."""
    listing = Listing.objects.select_related("provider").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    if listing.status != Listing.Status.PUBLISHED and not can_manage_media(
        owner=listing, actor=viewer
    ):
        raise NotFound(_("No such listing."))
    return listing
