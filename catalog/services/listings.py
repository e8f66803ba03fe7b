"""Listings: what providers sell, priced the way their listing type says, and their lifecycle.

draft → published ⇄ paused, and any of them → archived (final). The owner makes every move;
marketplace staff may pause, archive and feature.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_staff, require_staff
from billing.money import Money
from billing.payouts import payout_check
from catalog.models import (
    Listing,
    ListingEvent,
    ListingType,
    TicketTier,
)
from catalog.search.index import listings_reindex
from catalog.services._common import (
    marketplace,
)
from catalog.services.listing_input import (
    ListingChanges,
    PackageInput,
    TicketTierInput,
    apply_changes,
    clean_packages,
    clean_ticket_tiers,
    replace_packages,
)
from catalog.services.profiles import profile_of
from config.errors import (
    BusinessRuleViolation,
    InvalidInput,
    NotAllowed,
    NotFound,
    StateConflict,
)

Status = Listing.Status
Pricing = ListingType.Pricing

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.ARCHIVED}),
    Status.PUBLISHED: frozenset({Status.PAUSED, Status.ARCHIVED}),
    Status.PAUSED: frozenset({Status.PUBLISHED, Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}
STAFF_TRANSITIONS = frozenset({Status.PAUSED, Status.ARCHIVED})
# Pricings whose "from" price is derived from their packages or ticket tiers.
DERIVED_PRICE = frozenset({Pricing.PACKAGES, Pricing.TICKETS})
# Pricings that need a positive price to be published (a quote may start "from 0").
PRICE_REQUIRED = frozenset({Pricing.DATE_SLOT, Pricing.PER_MINUTE, Pricing.PRODUCT})
# What a listing sold by packages or tickets lacks with none; the provider's form says it too.
NO_PACKAGES = gettext_lazy("Offer at least one package.")
NO_TICKET_TIERS = gettext_lazy("Offer at least one ticket tier.")


def _check_payouts(
    listing: Listing,
    packages: list[PackageInput] | None = None,
    tiers: list[TicketTierInput] | None = None,
) -> None:
    """Every price the listing sets must leave the provider the marketplace's minimum payout
    (the one rule, billing.payouts)."""
    payout_check(Money(listing.price_minor, listing.currency), field="price_minor")
    for where, items in (("packages", packages or []), ("ticket_tiers", tiers or [])):
        for index, item in enumerate(items):
            payout_check(
                Money(item["price_minor"], listing.currency),
                field=f"{where}[{index}].price_minor",
            )


def _replace_ticket_tiers(listing: Listing, tiers: list[TicketTierInput]) -> None:
    """Match tiers by name: sold tickets keep their tier, so a sold tier is never dropped."""
    existing = {t.name.lower(): t for t in listing.ticket_tiers.select_for_update().order_by("pk")}
    wanted = {t["name"].lower() for t in tiers}
    dropped = [t for key, t in existing.items() if key not in wanted]
    # A tier ever ordered stays: its orders and tickets name it (bookings' ticket lines,
    # reached by their related name, since catalog does not import bookings).
    ordered = set(
        TicketTier.objects.filter(pk__in=[t.pk for t in dropped], lines__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    kept = [t.name for t in dropped if t.sold or t.pk in ordered]
    if kept:
        raise StateConflict(
            _("Tickets of a tier you removed have been ordered; keep the tier."),
            code="tier_has_sales",
            details={"ticket_tiers": kept},
        )
    TicketTier.objects.filter(pk__in=[t.pk for t in dropped]).delete()
    for position, tier in enumerate(tiers):
        current = existing.get(tier["name"].lower())
        if current is None:
            TicketTier.objects.create(listing=listing, position=position, **tier)
            continue
        if tier["capacity"] < current.sold:
            raise StateConflict(
                _("Capacity cannot drop below the tickets already sold."),
                code="capacity_below_sold",
                details={
                    f"ticket_tiers[{position}].capacity": [
                        _("%(name)s: %(sold)s sold.") % {"name": current.name, "sold": current.sold}
                    ]
                },
            )
        for field, value in tier.items():
            setattr(current, field, value)
        current.position = position
        current.save()


def _derive_price(listing: Listing, listing_type: ListingType) -> None:
    if listing_type.pricing == Pricing.PACKAGES:
        prices = list(
            listing.packages.filter(archived_at__isnull=True).values_list("price_minor", flat=True)
        )
    elif listing_type.pricing == Pricing.TICKETS:
        prices = list(listing.ticket_tiers.values_list("price_minor", flat=True))
    else:
        return
    listing.price_minor = min(prices, default=0)


def listing_missing(listing: Listing) -> dict[str, list[str]]:
    """What a listing still lacks before it can be published (empty when complete)."""
    pricing = listing.listing_type.pricing
    missing: dict[str, list[str]] = {}
    if not listing.title.strip():
        missing["title"] = [_("Give the listing a title.")]
    if not listing.category_id:
        missing["category"] = [_("Choose a category.")]
    if pricing in PRICE_REQUIRED and listing.price_minor <= 0:
        missing["price_minor"] = [_("Set a price above zero.")]
    current_packages = listing.packages.filter(archived_at__isnull=True)
    if pricing == Pricing.PACKAGES and not current_packages.exists():
        missing["packages"] = [str(NO_PACKAGES)]
    if pricing == Pricing.TICKETS:
        if not listing.ticket_tiers.exists():
            missing["ticket_tiers"] = [str(NO_TICKET_TIERS)]
        if listing.starts_at is None:
            missing["starts_at"] = [_("Say when the event starts.")]
        elif listing.starts_at <= timezone.now():
            missing["starts_at"] = [_("The event has already started.")]
        if not listing.location_name:
            missing["location_name"] = [_("Say where the event takes place.")]
    return missing


def _check_complete(listing: Listing) -> None:
    missing = listing_missing(listing)
    if missing:
        raise BusinessRuleViolation(
            _("The listing is not complete enough to be published."),
            code="listing_incomplete",
            details=missing,
        )


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:140].strip("-") or "listing"
    if base.isdigit():
        base = f"listing-{base}"  # keep slugs distinguishable from ids
    candidate = base
    while (
        Listing.objects.filter(slug=candidate)
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None is meant: IS NULL, excludes none
        .exists()
    ):
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


# Writes


def _owned_listing(actor, listing_id: int) -> Listing:
    """The listing, locked, when the actor owns it; 404 when they cannot see it, 403 otherwise."""
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("listing_type", "provider")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotFound(_("No such listing."))
    if listing.provider.user_id != getattr(actor, "pk", None):
        if listing.status == Status.PUBLISHED or is_staff(actor):
            raise NotAllowed(_("Only the provider who owns this listing may change it."))
        raise NotFound(_("No such listing."))
    return listing


@transaction.atomic
def listing_create(*, actor, listing_type_id: int, changes: ListingChanges) -> Listing:
    """A provider drafts a listing under their profile."""
    provider = profile_of(actor)
    listing_type = ListingType.objects.filter(pk=listing_type_id).first()
    if listing_type is None:
        raise InvalidInput(
            _("The listing type does not exist."),
            code="unknown_listing_type",
            details={
                "listing_type": [
                    _("No listing type %(listing_type_id)s.") % {"listing_type_id": listing_type_id}
                ]
            },
        )
    if "category_id" not in changes or not changes.get("title", "").strip():
        raise InvalidInput(
            _("A title and a category are required."),
            details={f: [_("Required.")] for f in ("title", "category") if f not in changes},
        )
    listing = Listing(
        provider=provider,
        listing_type=listing_type,
        price_minor=0,
        currency=marketplace().default_currency,
        status=Status.DRAFT,
    )
    apply_changes(listing, listing_type, changes)
    packages = clean_packages(listing_type, changes["packages"]) if "packages" in changes else None
    tiers = clean_ticket_tiers(changes["ticket_tiers"]) if "ticket_tiers" in changes else None
    _check_payouts(listing, packages, tiers)
    for attempt in range(3):
        listing.slug = _unique_slug(listing.title)
        try:
            with transaction.atomic():
                listing.save()
            break
        except IntegrityError as exc:  # another listing took the slug meanwhile
            if attempt == 2:
                raise StateConflict(_("Could not give the listing a unique slug; retry.")) from exc
    if packages is not None:
        replace_packages(listing, packages, now=timezone.now())
    if tiers is not None:
        _replace_ticket_tiers(listing, tiers)
    if listing_type.pricing in DERIVED_PRICE:
        _derive_price(listing, listing_type)
        listing.save(update_fields=["price_minor"])
    listings_reindex([listing.pk])
    return listing


@transaction.atomic
def listing_update(*, actor, listing_id: int, changes: ListingChanges) -> Listing:
    listing = _owned_listing(actor, listing_id)
    if listing.status == Status.ARCHIVED:
        raise StateConflict(_("An archived listing can no longer change."), code="listing_archived")
    listing_type = listing.listing_type
    apply_changes(listing, listing_type, changes)
    if listing.status == Status.DRAFT and "title" in changes:
        listing.slug = _unique_slug(listing.title, exclude_pk=listing.pk)
    packages = clean_packages(listing_type, changes["packages"]) if "packages" in changes else None
    tiers = clean_ticket_tiers(changes["ticket_tiers"]) if "ticket_tiers" in changes else None
    if "price_minor" in changes or packages is not None or tiers is not None:
        _check_payouts(listing, packages, tiers)
    if packages is not None:
        replace_packages(listing, packages, now=timezone.now())
    if tiers is not None:
        _replace_ticket_tiers(listing, tiers)
    _derive_price(listing, listing_type)
    if listing.status == Status.PUBLISHED:
        _check_complete(listing)  # a live listing may not become unpublishable
    listing.save()
    listings_reindex([listing.pk])
    return listing


@transaction.atomic
def listing_transition(*, actor, listing_id: int, to_status: str) -> Listing:
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("listing_type", "provider")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotFound(_("No such listing."))
    owner = listing.provider.user_id == getattr(actor, "pk", None)
    if not owner:
        if not is_staff(actor):
            if listing.status != Status.PUBLISHED:
                raise NotFound(_("No such listing."))
            raise NotAllowed(_("Only the provider who owns this listing may change it."))
        if to_status not in STAFF_TRANSITIONS:
            raise NotAllowed(_("Staff may pause or archive a listing, not publish it."))
    from_status = listing.status
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise StateConflict(
            _("A %(from_status)s listing cannot become %(to_status)s.")
            % {"from_status": from_status, "to_status": to_status},
            code="invalid_transition",
            details={"from": from_status, "to": to_status},
        )
    if to_status == Status.PUBLISHED:
        _check_complete(listing)
        if listing.published_at is None:
            listing.published_at = timezone.now()
    listing.status = to_status
    listing.save(update_fields=["status", "published_at", "updated_at"])
    ListingEvent.objects.create(
        listing=listing,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
    )
    return listing


def listing_publish(*, actor, listing_id: int) -> Listing:
    return listing_transition(actor=actor, listing_id=listing_id, to_status=Status.PUBLISHED)


def listing_pause(*, actor, listing_id: int) -> Listing:
    return listing_transition(actor=actor, listing_id=listing_id, to_status=Status.PAUSED)


def listing_archive(*, actor, listing_id: int) -> Listing:
    return listing_transition(actor=actor, listing_id=listing_id, to_status=Status.ARCHIVED)


@transaction.atomic
def listing_feature_set(*, actor, listing_id: int, featured: bool) -> Listing:
    require_staff(actor)
    listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    if listing.featured != featured:
        listing.featured = featured
        listing.save(update_fields=["featured", "updated_at"])
    return listing
