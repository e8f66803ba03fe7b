from tests.bookings.test_concurrency import committed_marketplace  # noqa: F401 (fixture)
