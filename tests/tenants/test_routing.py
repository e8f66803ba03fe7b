import pytest

from tests.support import client as support


def test_marketplace_host_serves_its_own_marketplace(fire, talent):
    body = support.api(fire).get("/api/v1/marketplace/").json()
    assert body["marketplace"]["slug"] == "fire-test"
    assert body["marketplace"]["default_currency"] == "GBP"
    assert body["theme"]["dark_mode"] is True

    body = support.api(talent).get("/api/v1/marketplace/").json()
    assert body["marketplace"]["default_currency"] == "IQD"
    assert body["marketplace"]["text_direction"] == "rtl"


@pytest.mark.django_db
def test_unknown_host_gets_neutral_404_page_and_json(marketplaces):
    client = support.api("nowhere.example")
    page = client.get("/")
    assert page.status_code == 404
    assert b"There is no marketplace here" in page.content
    api = client.get("/api/v1/marketplace/")
    assert api.status_code == 404
    assert api.json()["error"] == "unknown_marketplace"


def _queries(client, path, n=1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for _ in range(n):
            assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_cached_host_costs_no_lookup_and_no_repeated_search_path(fire):
    client = support.api(fire)
    first = _queries(client, "/api/v1/marketplace/")
    assert any("tenants_domain" in sql for sql in first)
    # Later requests for the same marketplace: no domain lookup, no SET search_path.
    later = _queries(client, "/api/v1/marketplace/", n=5)
    assert not [sql for sql in later if "tenants_domain" in sql]
    assert not [sql for sql in later if sql.startswith("SET search_path")]
    assert len(later) == 5  # one query per request: the theme row


def test_switching_marketplaces_sets_the_search_path_once_per_switch(fire, talent):
    _queries(support.api(fire), "/api/v1/marketplace/")
    _queries(support.api(talent), "/api/v1/marketplace/")
    sets = [
        sql
        for sql in _queries(support.api(fire), "/api/v1/marketplace/")
        + _queries(support.api(talent), "/api/v1/marketplace/")
        if sql.startswith("SET search_path")
    ]
    assert sets == [
        'SET search_path = "fire_test","public"',
        'SET search_path = "talent_test","public"',
    ]


def test_invalidation_from_another_process_clears_the_cache(fire):
    """Another process publishes on Redis; this process's listener drops its entries."""
    import time

    import redis
    from django.conf import settings

    from tenants.routing import invalidation_channel, routing_cache

    host = fire.get_primary_domain().domain
    routing_cache.lookup(host)
    assert host in routing_cache._entries
    redis.Redis.from_url(settings.REDIS_URL).publish(invalidation_channel(), "all")
    deadline = time.monotonic() + 5
    while host in routing_cache._entries and time.monotonic() < deadline:
        time.sleep(0.01)
    assert host not in routing_cache._entries


def test_connection_counts_the_schemas_it_served(fire, talent):
    from django.db import connection

    before = set(connection.schemas_served)
    connection.set_tenant(fire)
    connection.set_tenant(talent)
    assert {"fire_test", "talent_test"} <= connection.schemas_served
    assert len(connection.schemas_served) >= len(before)


def test_connection_is_recycled_after_many_schemas(marketplaces, django_db_blocker, settings):
    """Outside a transaction (as in production), a connection that crossed more schemas
    than SOUK_CONNECTION_MAX_SCHEMAS is closed at the end of the request."""
    from django.db import connection

    settings.SOUK_CONNECTION_MAX_SCHEMAS = 1
    fire, talent = marketplaces["fire-performers"], marketplaces["talent-iq"]
    with django_db_blocker.unblock():  # read-only requests, no test transaction around them
        connection.close()
        assert support.api(fire).get("/api/v1/marketplace/").status_code == 200
        assert connection.connection is not None  # one schema so far: kept
        assert support.api(talent).get("/api/v1/marketplace/").status_code == 200
        assert connection.connection is None  # two schemas: recycled
        assert connection.schemas_served == set()


def test_connection_is_kept_inside_a_transaction(fire, talent, settings):
    from django.db import connection

    settings.SOUK_CONNECTION_MAX_SCHEMAS = 1
    support.api(fire).get("/api/v1/marketplace/")
    support.api(talent).get("/api/v1/marketplace/")
    # Closing inside the test's transaction would lose it; the middleware leaves it open.
    assert connection.connection is not None


def test_a_switch_away_and_back_sends_no_set_and_a_rollback_forgets_the_path(fire, talent):
    """The connection knows the search path its session has: going to the public schema and
    back with no query between needs no SET; a rolled-back SET is undone by PostgreSQL, so
    the connection sets the path again after any rollback."""
    import contextlib

    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from tenants.db import connection

    def search_path() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            return cursor.fetchone()[0]

    connection.set_tenant(fire)
    assert search_path() == "fire_test, public"
    with CaptureQueriesContext(connection) as captured:
        connection.set_schema_to_public()
        connection.set_tenant(fire)
        assert search_path() == "fire_test, public"
    assert not [q for q in captured.captured_queries if q["sql"].startswith("SET search_path")]

    with contextlib.suppress(RuntimeError), transaction.atomic():
        connection.set_tenant(talent)
        assert search_path() == "talent_test, public"
        raise RuntimeError  # the SET to talent_test is rolled back with the rest
    connection.set_tenant(talent)
    assert search_path() == "talent_test, public"
    connection.set_schema_to_public()
    assert search_path() == "public"
