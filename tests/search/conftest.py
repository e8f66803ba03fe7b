"""Builders for search tests: rows made directly with the ORM, vectors by the real reindex."""

import datetime as dt
import itertools
import secrets
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from catalog.models import Category, Listing, ListingType, ProviderProfile
from catalog.search.index import listings_reindex, profiles_reindex
from tests.conftest import host_client
from tests.factories import tenant_context

_seq = itertools.count(1)


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


@pytest.fixture
def in_fire(fire):
    with tenant_context(fire):
        yield Catalog()


@pytest.fixture
def in_talent(talent):
    with tenant_context(talent):
        yield Catalog()


# Search is throttled per client address in Redis, which outlives each test's rollback: every
# run takes its own block of addresses, and every request its own address.
_RUN_PREFIX = ":".join(f"{secrets.randbits(16):x}" for _ in range(3))
_addresses = itertools.count(1)


def fresh_address() -> str:
    return f"fd00:{_RUN_PREFIX}::{next(_addresses):x}"


def get(marketplace, path, **params):
    """GET a search endpoint on the marketplace's host; returns (status, body)."""
    from django.db import connection

    before = connection.tenant
    client = host_client(marketplace, REMOTE_ADDR=fresh_address())
    response = client.get(f"/api/v1/search/{path}/", params)
    # The request routed the connection to the host's schema; keep building in ours.
    connection.set_tenant(before)
    return response.status_code, response.json()


def titles(body):
    return [hit["title"] for hit in body["results"]]


def names(body):
    return [hit["display_name"] for hit in body["results"]]
