"""Providers and published listings of each kind, straight in the tables (the catalog API is
tested in tests/catalog); bookings are then made through the bookings API and services."""

from __future__ import annotations

import itertools
from datetime import time

import factory
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from catalog.models import (
    Category,
    Listing,
    ListingPackage,
    ListingType,
    ProviderProfile,
    TicketTier,
    WeeklyHours,
)
from tests.support.factories.accounts import ProviderUserFactory, UserFactory

_slugs = itertools.count(1)


class ProviderProfileFactory(factory.django.DjangoModelFactory):
    """A profile straight in the table (for tests about others' profiles); the profile API
    and services are tested through provider_profile_save."""

    class Meta:
        model = ProviderProfile

    user = factory.SubFactory(ProviderUserFactory)
    display_name = factory.Faker("name")
    tagline = "Performer"


def provider_in(marketplace, **fields):
    """A provider user with a profile, made through the table (not the API)."""
    with tenant_context(marketplace):
        return ProviderProfileFactory(**fields)


def category_id(marketplace, slug):
    with tenant_context(marketplace):
        return Category.objects.get(slug=slug).pk


def listing_type_id(marketplace, slug):
    with tenant_context(marketplace):
        return ListingType.objects.get(slug=slug).pk


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    provider = factory.SubFactory(ProviderProfileFactory)
    category = factory.LazyFunction(lambda: Category.objects.order_by("pk").first())
    listing_type = factory.LazyFunction(lambda: ListingType.objects.order_by("pk").first())
    title = factory.Sequence(lambda n: f"Listing {n}")
    slug = factory.Sequence(lambda n: f"listing-{n}")
    price_minor = 10000
    currency = factory.LazyFunction(lambda: connection.tenant.default_currency)
    status = Listing.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def listing_of(type_slug: str, **fields) -> Listing:
    listing: Listing = ListingFactory(  # type: ignore[assignment]  # factory-boy's create
        listing_type=ListingType.objects.get(slug=type_slug), **fields
    )
    _open_calendar(listing)
    return listing


def _open_calendar(listing: Listing) -> None:
    """Date bookings must fall in the provider's hours: a provider without any works every
    day, 00:00-23:59 (tests about the calendar give their provider hours first)."""
    timed = (ListingType.Pricing.DATE_SLOT, ListingType.Pricing.QUOTE)
    provider = listing.provider
    if listing.listing_type.pricing not in timed or provider.weekly_hours.exists():
        return
    WeeklyHours.objects.bulk_create(
        WeeklyHours(provider=provider, weekday=day, start_time=time(0), end_time=time(23, 59))
        for day in range(7)
    )


def gig(**fields) -> Listing:
    listing = listing_of("gig", **fields)
    for tier, price, days, revisions in (
        ("basic", 5000, 3, 1),
        ("standard", 9000, 5, 2),
        ("premium", 15000, 7, 3),
    ):
        ListingPackage.objects.create(
            listing=listing,
            tier=tier,
            name=tier.title(),
            price_minor=price,
            delivery_days=days,
            revisions=revisions,
        )
    return listing


def event(*, capacity: int = 100, price_minor: int = 2500, **fields) -> Listing:
    start = timezone.now() + timezone.timedelta(days=30)
    listing = listing_of(
        "ticketed-event", starts_at=start, ends_at=start + timezone.timedelta(hours=4), **fields
    )
    TicketTier.objects.create(
        listing=listing, name="General", price_minor=price_minor, capacity=capacity
    )
    return listing


def make_provider(email: str) -> ProviderProfile:
    user = UserFactory(email=email, role=User.Role.PROVIDER, display_name=email.split("@")[0])
    return ProviderProfile.objects.create(user=user, display_name=user.display_name)


def make_listing(profile: ProviderProfile, *, status=Listing.Status.PUBLISHED) -> Listing:
    return Listing.objects.create(
        provider=profile,
        category=Category.objects.order_by("pk").first(),
        listing_type=ListingType.objects.order_by("pk").first(),
        title="Fire show",
        slug=f"fire-show-{next(_slugs)}",
        price_minor=25000,
        currency="GBP",
        status=status,
    )
