"""Providers and listings for search tests, made directly with the ORM in the current
marketplace schema; their search vectors by the real reindex."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from catalog.models import Category, Listing, ListingType, ProviderProfile
from catalog.search.index import listings_reindex, profiles_reindex

_seq = itertools.count(1)

LONDON = (51.5074, -0.1278)
# From LONDON, a provider there is shown at their public grid point (51.51, -0.13): 0.33 km.
TO_LONDON_GRID_KM = 0.3
BRIGHTON = (50.8225, -0.1372)  # ~76 km south of London
MANCHESTER = (53.4808, -2.2426)  # ~262 km from London


class Catalog:
    """Makes providers and listings in the current marketplace schema."""

    def __init__(self):
        self.base_time = timezone.now() - dt.timedelta(days=30)

    def provider(
        self,
        name,
        *,
        lat=None,
        lon=None,
        travel_radius_km=0,
        rating="0",
        badges=(),
        online=False,
        active=True,
        tags=(),
        rate=None,
        categories=(),
        tagline="",
        bio="",
    ):
        n = next(_seq)
        user = User.objects.create_user(
            email=f"provider{n}@example.com", role=User.Role.PROVIDER, is_active=active
        )
        profile = ProviderProfile.objects.create(
            user=user,
            display_name=name,
            tagline=tagline,
            bio=bio,
            latitude=None if lat is None else Decimal(str(lat)),
            longitude=None if lon is None else Decimal(str(lon)),
            travel_radius_km=travel_radius_km,
            rating_avg=Decimal(rating),
            badges=list(badges),
            is_online=online,
            tags=list(tags),
            minimum_rate_minor=rate,
        )
        if categories:
            profile.categories.set(Category.objects.filter(slug__in=categories))
        return profile

    def listing(
        self,
        provider,
        title,
        *,
        category,
        price=10_000,
        description="",
        tags=(),
        status=Listing.Status.PUBLISHED,
        age_days=None,
        lat=None,
        lon=None,
        listing_type=None,
        currency="GBP",
    ):
        n = next(_seq)
        published_at = self.base_time + dt.timedelta(minutes=n)
        if age_days is not None:
            published_at = timezone.now() - dt.timedelta(days=age_days)
        return Listing.objects.create(
            provider=provider,
            category=Category.objects.get(slug=category),
            listing_type=listing_type or ListingType.objects.order_by("position").first(),
            title=title,
            slug=f"listing-{n}",
            description=description,
            tags=list(tags),
            price_minor=price,
            currency=currency,
            status=status,
            published_at=published_at if status == Listing.Status.PUBLISHED else None,
            latitude=None if lat is None else Decimal(str(lat)),
            longitude=None if lon is None else Decimal(str(lon)),
        )

    @staticmethod
    def reindex():
        listings_reindex()
        profiles_reindex()
