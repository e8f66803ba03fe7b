import pytest

from tests.bookings.messaging import rate_counters_forget
from tests.support.sandboxes import fastpay_sandbox, fib_sandbox  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _tokens_outlive_the_clock_jumps(settings):
    # Booking tests move the clock weeks or months ahead (review windows, sessions on a fixed
    # date); the parties' API tokens must not expire on the way. Expiry is tested in
    # tests/accounts/test_tokens.py.
    settings.SOUK_TOKEN_TTL_DAYS = 3650


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


@pytest.fixture
def clear_rates():
    """Forget the rate counters of the users a test names, before and after it."""
    named: list = []

    def clear(marketplace, *users):
        named.extend((marketplace, user) for user in users)
        rate_counters_forget(marketplace, users)

    yield clear
    for marketplace, user in named:
        rate_counters_forget(marketplace, [user])
