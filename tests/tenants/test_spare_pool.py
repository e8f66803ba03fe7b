"""The spare pool: sized from the recent sign-up rate between a floor and a maximum, refilled
by beat and after each provisioning, trimmed when sign-ups slow down, and rid of orphans."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants import schemas
from tenants.models import MarketplaceEvent, SpareSchema

# Far from the session's own sign-ups (fire and talent were created a moment ago).
LATER = timezone.now() + timedelta(days=400)


@pytest.fixture
def pool(settings, db):
    settings.SOUK_SPARE_SCHEMAS = 1
    settings.SOUK_SPARE_SCHEMAS_MAX = 3
    settings.SOUK_SPARE_SCHEMAS_WINDOW_S = 600
    return settings


def signups(count: int, *, seconds_ago: int) -> None:
    for index in range(count):
        event = MarketplaceEvent.objects.create(
            marketplace_slug=f"signup-{seconds_ago}-{index}", action="created"
        )
        MarketplaceEvent.objects.filter(pk=event.pk).update(
            created_at=LATER - timedelta(seconds=seconds_ago)
        )


@pytest.mark.parametrize(
    ("recent", "earlier", "target"),
    [
        (0, 0, 1),  # quiet: the floor
        (2, 5, 2),  # two sign-ups in the window (five before it do not count)
        (3, 0, 3),
        (50, 0, 3),  # a burst: the maximum
    ],
)
def test_target_follows_the_signups_of_the_window(pool, recent, earlier, target):
    signups(recent, seconds_ago=60)
    signups(earlier, seconds_ago=601)
    signups(1, seconds_ago=-60)  # after "now": not yet
    assert schemas.spare_pool_target(now=LATER) == target


def test_other_events_do_not_count(pool):
    for action in ("suspended", "resumed", "deleted", "restored", "purged", "settings"):
        event = MarketplaceEvent.objects.create(marketplace_slug="x", action=action)
        MarketplaceEvent.objects.filter(pk=event.pk).update(created_at=LATER)
    assert schemas.spare_pool_target(now=LATER) == 1


def test_the_floor_wins_over_a_lower_maximum(pool):
    pool.SOUK_SPARE_SCHEMAS_MAX = 0
    signups(5, seconds_ago=10)
    assert schemas.spare_pool_target(now=LATER) == 1


def test_refill_grows_to_the_target_then_trims_to_it(pool):
    assert schemas.refill_spare_schemas(target=3) == 3
    assert SpareSchema.objects.count() == 3
    assert len(schemas.spare_schema_names()) == 3
    assert schemas.refill_spare_schemas(target=1) == 0
    (kept,) = SpareSchema.objects.values_list("schema_name", flat=True)
    assert schemas.spare_schema_names() == [kept]


def test_refill_without_a_target_uses_the_sign_up_rate(pool):
    # The session's two sign-ups (fire, talent) may be inside the window: count them in.
    expected = schemas.spare_pool_target()
    assert schemas.refill_spare_schemas() == expected
    assert SpareSchema.objects.count() == expected


def test_refill_drops_orphan_spares(pool):
    orphan = f"{schemas.SPARE_PREFIX}0rphan"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {orphan}")
    schemas.refill_spare_schemas(target=1)
    assert not schema_exists(orphan)
    assert SpareSchema.objects.count() == 1


def test_beat_refills_the_pool(settings):
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "tenants.tasks.refill_spare_schemas"
    ]
    assert entry["schedule"] <= 600


def test_catalog_statistics_are_refreshed_once_it_grew(db):
    # growth=-1: whatever the statistics say, they count as stale.
    assert schemas.analyze_catalog_if_grown(growth=-1.0)
    assert not schemas.analyze_catalog_if_grown()  # just taken: fresh
