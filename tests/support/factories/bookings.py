"""The parties to a booking (a user of one marketplace with an API client of theirs) and times."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.accounts import (
    ProviderUserFactory,
    StaffUserFactory,
    VerifiedUserFactory,
    user_in,
)
from tests.support.factories.catalog import ProviderProfileFactory


class Party:
    """A user of one marketplace with an API client logged in as them."""

    def __init__(self, marketplace, user):
        self.marketplace, self.user = marketplace, user
        self.api = api(marketplace, user)


def party(marketplace, factory=None, **fields) -> Party:
    return Party(marketplace, user_in(marketplace, factory or VerifiedUserFactory, **fields))


def provider_party(marketplace, **profile_fields):
    someone = party(marketplace, ProviderUserFactory)
    with tenant_context(marketplace):
        profile = ProviderProfileFactory(user=someone.user, **profile_fields)
    return someone, profile


def staff_party(marketplace):
    return party(marketplace, StaffUserFactory)


def evening(days: int = 30, hours: int = 2):
    # 18:00 UTC: inside the day in every preset's time zone (Baghdad 21:00, Los Angeles
    # 10:00), so the day's default hours (tests.support.factories.catalog) hold the whole slot.
    start = (timezone.now() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=hours)
