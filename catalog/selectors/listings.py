"""Listings, as the viewer may see them."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from catalog.hooks import booking_engine
from catalog.models import Listing, ListingPackage, ProviderProfile, TicketTier
from catalog.selectors.providers import provider_profile_get
from config.errors import NotFound


def _listing_queryset() -> QuerySet[Listing]:
    # Bookings count what a tier has held and sold; that definition lives with them.
    tiers_counted = booking_engine().ticket_tiers_counted
    # Archived packages stay only for the orders that refer to them; they are not offered.
    current_packages = ListingPackage.objects.filter(archived_at__isnull=True)
    return Listing.objects.select_related("category", "listing_type", "provider").prefetch_related(
        Prefetch("packages", queryset=current_packages),
        Prefetch("ticket_tiers", queryset=tiers_counted(TicketTier.objects.all())),
    )


def listing_visible(*, listing: Listing, viewer) -> bool:
    if listing.status == Listing.Status.PUBLISHED:
        return True
    return bool(viewer and viewer.is_authenticated) and (
        listing.provider.user_id == viewer.pk or is_staff(viewer)
    )


def listing_get(*, viewer, listing_id: int | None = None, slug: str | None = None) -> Listing:
    """A listing the viewer may see: published ones for all, the rest for owner and staff."""
    lookup = {"pk": listing_id} if listing_id is not None else {"slug": slug}
    listing = _listing_queryset().filter(**lookup).first()
    if listing is None or not listing_visible(listing=listing, viewer=viewer):
        raise NotFound(_("No such listing."))
    return listing


def provider_listings(*, provider: ProviderProfile | int, viewer) -> QuerySet[Listing]:
    """A provider's listings: published ones, or every one but archived for the owner. Given
    an id, 404 for an unknown provider; given the profile (a page has it already), no read."""
    profile = provider_profile_get(provider_id=provider) if isinstance(provider, int) else provider
    queryset = _listing_queryset().filter(provider=profile)
    if viewer and viewer.is_authenticated and profile.user_id == viewer.pk:
        return queryset.exclude(status=Listing.Status.ARCHIVED).order_by("-created_at", "-pk")
    return queryset.filter(status=Listing.Status.PUBLISHED).order_by("-published_at", "-pk")


def own_listings(*, user, status: str | None = None) -> QuerySet[Listing]:
    queryset = _listing_queryset().filter(provider__user=user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")
