from datetime import timedelta

import pytest
from django.utils import timezone

from tests.catalog.conftest import api, assert_error, user_in  # noqa: F401
from tests.catalog.factories import ProviderUserFactory, StaffUserFactory
from tests.factories import tenant_context


@pytest.fixture(autouse=True)
def _tokens_outlive_the_clock_jumps(settings):
    # Booking tests move the clock weeks or months ahead (review windows, sessions on a fixed
    # date); the parties' API tokens must not expire on the way. Expiry is tested in
    # tests/accounts/test_tokens.py.
    settings.SOUK_TOKEN_TTL_DAYS = 3650


class Party:
    """A user of one marketplace with an API client logged in as them."""

    def __init__(self, marketplace, user):
        self.marketplace, self.user = marketplace, user
        self.api = api(marketplace, user)


def party(marketplace, factory=None, **fields) -> Party:
    from tests.factories import VerifiedUserFactory

    return Party(marketplace, user_in(marketplace, factory or VerifiedUserFactory, **fields))


def provider_party(marketplace, **profile_fields):
    from tests.catalog.factories import ProviderProfileFactory

    someone = party(marketplace, ProviderUserFactory)
    with tenant_context(marketplace):
        profile = ProviderProfileFactory(user=someone.user, **profile_fields)
    return someone, profile


def staff_party(marketplace):
    return party(marketplace, StaffUserFactory)


def evening(days: int = 30, hours: int = 2):
    # 18:00 UTC: inside the day in every preset's time zone (Baghdad 21:00, Los Angeles
    # 10:00), so the day's default hours (tests.bookings.factories) hold the whole slot.
    start = (timezone.now() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=hours)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test's uploads go to its own folder: public media below it, private files (what
    only the API serves) in its ``private/``."""
    settings.MEDIA_ROOT = str(tmp_path)
    # django-tenants caches MEDIA_ROOT + the schema pattern; re-setting the pattern clears it.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    settings.SOUK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def gigs(make_marketplace):
    return make_marketplace("freelancers")


@pytest.fixture
def events(make_marketplace):
    return make_marketplace("events")


@pytest.fixture
def psychic(make_marketplace):
    return make_marketplace("psychic-readers")
