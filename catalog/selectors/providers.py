"""Provider profiles and the vouches they receive."""

from __future__ import annotations

from typing import TypedDict

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from catalog.models import Category, ProviderProfile, Vouch
from config.errors import NotFound


def _profile_queryset() -> QuerySet[ProviderProfile]:
    return ProviderProfile.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "name"))
    )


def provider_profile_get(*, provider_id: int) -> ProviderProfile:
    profile = _profile_queryset().filter(pk=provider_id).first()
    if profile is None:
        raise NotFound(_("No such provider."))
    return profile


# Where a provider is, as the public sees it: each coordinate rounded to two decimals, i.e.
# snapped to a 0.01° grid (1.1 km north–south; east–west 0.7 km at London's latitude, less
# towards the poles). A fixed grid rather than random noise: noise averages out over repeated
# requests, a grid point is the same every time. Search measures the distances it shows to
# this point too (catalog.search), so they reveal nothing more. Only the provider (their own
# profile) and staff see the exact coordinates; search's radius filter uses them server-side.
PUBLIC_COORDINATE_DECIMALS = 2


def public_coordinate(coordinate) -> Round:
    """The public value of a coordinate column (or expression), computed by PostgreSQL."""
    return Round(coordinate, PUBLIC_COORDINATE_DECIMALS)


def provider_profile_public(*, provider_id: int, viewer) -> ProviderProfile:
    """A provider's profile for anyone: ``public_latitude`` / ``public_longitude`` carry the
    only coordinates a public response may show. A deactivated provider's profile is not
    found, as search leaves them out, except by the marketplace's staff."""
    profiles = _profile_queryset().annotate(
        public_latitude=public_coordinate("latitude"),
        public_longitude=public_coordinate("longitude"),
    )
    if not is_staff(viewer):
        profiles = profiles.filter(user__is_active=True)
    profile = profiles.filter(pk=provider_id).first()
    if profile is None:
        raise NotFound(_("No such provider."))
    return profile


def provider_profile_own(*, user) -> ProviderProfile:
    profile = _profile_queryset().filter(user=user).first()
    if profile is None:
        raise NotFound(_("Create your provider profile first."), code="no_profile")
    return profile


class VouchCount(TypedDict):
    skill_area: str
    count: int


def vouch_summary(*, provider: ProviderProfile) -> list[VouchCount]:
    """How many providers vouch for this one, by skill area."""
    return list(
        Vouch.objects.filter(vouchee=provider)
        .values("skill_area")
        .annotate(count=Count("pk"))
        .order_by("-count", "skill_area")
    )


def vouch_list(*, provider_id: int) -> QuerySet[Vouch]:
    provider_profile_get(provider_id=provider_id)
    return (
        Vouch.objects.filter(vouchee_id=provider_id)
        .select_related("voucher")
        .order_by("-created_at", "-pk")
    )
