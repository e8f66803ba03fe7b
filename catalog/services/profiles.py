"""Provider profiles: the provider's own edits, staff badges, peer vouches, completeness."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, TypedDict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from billing.money import Money
from billing.payouts import payout_check
from catalog.models import Badge, Category, ListingType, ProviderProfile, Vouch
from catalog.search.index import listings_reindex, profiles_reindex
from catalog.services._common import (
    clean_amount,
    clean_coordinates,
    clean_tags,
    marketplace,
)
from catalog.services.html import sanitise_html
from catalog.services.listing_types import CHANNELS
from config.errors import (
    BusinessRuleViolation,
    InvalidInput,
    NotAllowed,
    NotFound,
    StateConflict,
)

MAX_TRAVEL_RADIUS_KM = 20_000
RateField = Literal["minimum_rate_minor", "hourly_rate_minor", "event_rate_minor"]
RATE_FIELDS: tuple[RateField, ...] = ("minimum_rate_minor", "hourly_rate_minor", "event_rate_minor")
# What a complete profile has, and how much each part weighs (sums to 100).
COMPLETENESS_WEIGHTS = {
    "display_name": 10,
    "tagline": 10,
    "bio": 15,
    "location": 15,
    "categories": 15,
    "tags": 10,
    "languages": 5,
    "rates": 10,
    "media": 10,
}


class ProfileChanges(TypedDict, total=False):
    display_name: str
    tagline: str
    bio: str
    location_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    travel_radius_km: int
    category_ids: list[int]
    tags: list[str]
    languages: list[str]
    minimum_rate_minor: int | None
    hourly_rate_minor: int | None
    event_rate_minor: int | None
    per_minute_rates: dict[str, int]


def _require_provider(actor) -> None:
    if getattr(actor, "role", None) != "provider":
        raise NotAllowed(_("Only providers have a provider profile."), code="not_a_provider")


def profile_of(actor, *, lock: bool = False) -> ProviderProfile:
    """The actor's own profile; 404 when they have not created one yet."""
    _require_provider(actor)
    queryset = ProviderProfile.objects.filter(user=actor)
    profile = (queryset.select_for_update() if lock else queryset).first()
    if profile is None:
        raise NotFound(_("Create your provider profile first."), code="no_profile")
    return profile


def per_minute_channels() -> set[str]:
    """The channels this marketplace's per-minute listing types offer."""
    channels: set[str] = set()
    for config in ListingType.objects.filter(pricing=ListingType.Pricing.PER_MINUTE).values_list(
        "config", flat=True
    ):
        channels.update(config.get("channels", CHANNELS))
    return channels


def _clean_per_minute_rates(rates: dict[str, Any]) -> dict[str, int]:
    if not isinstance(rates, dict):
        raise InvalidInput(
            _("per_minute_rates must be an object."), details={"per_minute_rates": [_("Object.")]}
        )
    allowed = per_minute_channels()
    unknown = sorted(set(rates) - allowed)
    if unknown:
        raise InvalidInput(
            _("These channels are not offered on this marketplace."),
            code="unknown_channel",
            details={
                "per_minute_rates": [
                    _("Unknown: %(unknown)s; offered: %(offered)s.")
                    % {"unknown": unknown, "offered": sorted(allowed)}
                ]
            },
        )
    cleaned = {
        channel: clean_amount(amount, field=f"per_minute_rates.{channel}", allow_none=False)
        for channel, amount in rates.items()
    }
    # A minute's rate must pay the reader something after the marketplace's fee.
    currency = marketplace().default_currency
    for channel, amount in cleaned.items():
        payout_check(Money(amount, currency), field=f"per_minute_rates.{channel}")
    return cleaned


def _clean_categories(category_ids: list[int]) -> list[Category]:
    wanted = set(category_ids)
    found = list(Category.objects.filter(pk__in=wanted))
    missing = wanted - {c.pk for c in found}
    if missing:
        raise InvalidInput(
            _("Some categories do not exist."),
            code="unknown_category",
            details={"categories": [_("Unknown ids: %(ids)s.") % {"ids": sorted(missing)}]},
        )
    return found


def _clean_languages(languages: list[str]) -> list[str]:
    cleaned: list[str] = []
    for code in languages:
        code = str(code).strip().lower()
        if not code or len(code) > 8 or not code.replace("-", "").isalpha():
            raise InvalidInput(
                _("Languages are codes like “en” or “ar”."),
                details={"languages": [_("Bad code %(code)s.") % {"code": repr(code)}]},
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _apply(profile: ProviderProfile, changes: ProfileChanges) -> list[Category] | None:
    """Validate and set the fields; return the new categories when they change."""
    if "display_name" in changes:
        name = changes["display_name"].strip()
        if not name:
            raise InvalidInput(
                _("A display name is required."), details={"display_name": [_("Required.")]}
            )
        profile.display_name = name
    for field in ("tagline", "location_name"):
        if field in changes:
            setattr(profile, field, changes[field].strip())
    if "bio" in changes:
        profile.bio = sanitise_html(changes["bio"])
    if "latitude" in changes or "longitude" in changes:
        profile.latitude, profile.longitude = clean_coordinates(
            changes.get("latitude", profile.latitude), changes.get("longitude", profile.longitude)
        )
    if "travel_radius_km" in changes:
        radius = changes["travel_radius_km"]
        if not 0 <= radius <= MAX_TRAVEL_RADIUS_KM:
            raise InvalidInput(
                _("The travel radius is out of range."),
                details={
                    "travel_radius_km": [
                        _("Between 0 and %(limit)s.") % {"limit": MAX_TRAVEL_RADIUS_KM}
                    ]
                },
            )
        profile.travel_radius_km = radius
    if "tags" in changes:
        profile.tags = clean_tags(changes["tags"])
    if "languages" in changes:
        profile.languages = _clean_languages(changes["languages"])
    for field in RATE_FIELDS:
        if field in changes:
            setattr(profile, field, clean_amount(changes[field], field=field))
    if "per_minute_rates" in changes:
        profile.per_minute_rates = _clean_per_minute_rates(changes["per_minute_rates"])
    if "category_ids" in changes:
        return _clean_categories(changes["category_ids"])
    return None


def profile_completeness(profile: ProviderProfile) -> int:
    filled = {
        "display_name": bool(profile.display_name),
        "tagline": bool(profile.tagline),
        "bio": bool(profile.bio),
        "location": bool(profile.location_name and profile.latitude is not None),
        "categories": profile.pk is not None and profile.categories.exists(),
        "tags": bool(profile.tags),
        "languages": bool(profile.languages),
        "rates": any(getattr(profile, f) is not None for f in RATE_FIELDS)
        or bool(profile.per_minute_rates),
        # Only processed media count: an upload still with the worker is not shown yet.
        "media": profile.pk is not None and profile.media.filter(status="ready").exists(),
    }
    return sum(weight for part, weight in COMPLETENESS_WEIGHTS.items() if filled[part])


def profile_completeness_refresh(*, profile: ProviderProfile) -> int:
    """Recompute and store the completeness (the media services call this too)."""
    completeness = profile_completeness(profile)
    if completeness != profile.completeness:
        profile.completeness = completeness
        profile.save(update_fields=["completeness", "updated_at"])
    return completeness


@transaction.atomic
def provider_profile_save(
    *, actor, changes: ProfileChanges, replace: bool = False
) -> tuple[ProviderProfile, bool]:
    """Create the actor's profile, or change it. Returns (profile, created).

    ``replace`` (PUT) resets every field missing from ``changes`` to its default.
    """
    _require_provider(actor)
    profile = ProviderProfile.objects.select_for_update().filter(user=actor).first()
    created = profile is None
    if profile is None:
        if not changes.get("display_name", "").strip():
            raise InvalidInput(
                _("A display name is required."), details={"display_name": [_("Required.")]}
            )
        profile = ProviderProfile(user=actor)
    if replace:
        defaults: ProfileChanges = {
            "tagline": "",
            "bio": "",
            "location_name": "",
            "latitude": None,
            "longitude": None,
            "travel_radius_km": 0,
            "category_ids": [],
            "tags": [],
            "languages": [],
            "minimum_rate_minor": None,
            "hourly_rate_minor": None,
            "event_rate_minor": None,
            "per_minute_rates": {},
        }
        changes = {**defaults, **changes}
    old_name = profile.display_name
    categories = _apply(profile, changes)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # a concurrent first save by the same user
        raise StateConflict(
            _("The profile was created meanwhile; retry."), code="conflict"
        ) from exc
    if categories is not None:
        profile.categories.set(categories)
    profile_completeness_refresh(profile=profile)
    profiles_reindex([profile.pk])
    if not created and old_name != profile.display_name:
        ids = list(profile.listings.values_list("pk", flat=True))
        if ids:
            listings_reindex(ids)
    return profile, created


@transaction.atomic
def provider_online_set(*, actor, is_online: bool) -> ProviderProfile:
    profile = profile_of(actor, lock=True)
    profile.is_online = is_online
    profile.last_seen_at = timezone.now()
    profile.save(update_fields=["is_online", "last_seen_at", "updated_at"])
    return profile


def _locked_profile(provider_id: int) -> ProviderProfile:
    profile = ProviderProfile.objects.select_for_update().filter(pk=provider_id).first()
    if profile is None:
        raise NotFound(_("No such provider."))
    return profile


def _clean_badge(badge: str) -> str:
    if badge not in Badge.values:
        raise InvalidInput(
            _("Unknown badge."),
            details={"badge": [_("One of %(values)s.") % {"values": Badge.values}]},
        )
    return badge


@transaction.atomic
def provider_badge_grant(*, actor, provider_id: int, badge: str) -> ProviderProfile:
    require_staff(actor)
    badge = _clean_badge(badge)
    profile = _locked_profile(provider_id)
    if badge not in profile.badges:
        profile.badges = [*profile.badges, badge]
        profile.save(update_fields=["badges", "updated_at"])
    return profile


@transaction.atomic
def provider_badge_revoke(*, actor, provider_id: int, badge: str) -> ProviderProfile:
    require_staff(actor)
    badge = _clean_badge(badge)
    profile = _locked_profile(provider_id)
    if badge in profile.badges:
        profile.badges = [b for b in profile.badges if b != badge]
        profile.save(update_fields=["badges", "updated_at"])
    return profile


@transaction.atomic
def vouch_create(*, actor, vouchee_id: int, skill_area: str, note: str = "") -> Vouch:
    """One provider vouches for another, once per skill area."""
    _require_provider(actor)
    voucher = ProviderProfile.objects.filter(user=actor).first()
    if voucher is None:
        raise BusinessRuleViolation(
            _("Create your provider profile before vouching for others."), code="no_profile"
        )
    vouchee = ProviderProfile.objects.filter(pk=vouchee_id).first()
    if vouchee is None:
        raise NotFound(_("No such provider."))
    if vouchee.pk == voucher.pk:
        raise BusinessRuleViolation(_("You cannot vouch for yourself."), code="self_vouch")
    skill_area = " ".join(skill_area.split()).lower()
    if not skill_area:
        raise InvalidInput(_("Name the skill area."), details={"skill_area": [_("Required.")]})
    try:
        with transaction.atomic():
            return Vouch.objects.create(
                voucher=voucher, vouchee=vouchee, skill_area=skill_area, note=note.strip()
            )
    except IntegrityError as exc:
        raise StateConflict(
            _("You already vouched for this provider in this skill area."),
            code="already_vouched",
            details={"skill_area": [skill_area]},
        ) from exc
