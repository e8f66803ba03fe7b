"""Test fixtures: real PostgreSQL (schemas made once per session) and real Redis.

Two marketplaces are provisioned once per session through the real provisioning service;
each test then runs in a transaction that is rolled back.
"""

import os
import secrets

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.support.client import api
from tests.support.factories.tenants import FIRE, TALENT

if os.environ.get("CI") == "true":
    # In CI the services must be real and reachable: fail loudly instead of skipping.
    redis.Redis.from_url(settings.REDIS_URL).ping()


def pytest_xdist_make_scheduler(config, log):
    """Parallel workers (pytest-xdist, ``make test``) take whole modules, so each module's
    fixtures are made once, and all browser modules go to one worker, where they share one
    live site (tests/browser/conftest.py). Modules that start servers, workers or browsers
    are collected first (pytest_collection_modifyitems) so that they do not finish last."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "tests/browser" if module.startswith("tests/browser/") else module

    # In collection order, not xdist's default of the modules with most tests first: a module
    # of one ten-minute test (schemathesis) must not start last.
    config.option.loadscopereorder = False
    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Modules with tests marked slow first, in their order, then the others (a stable sort)."""
    slow = {item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in slow)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, django_db_modify_db_settings_parallel_suffix, django_db_blocker, django_db_keepdb
):
    """Parallel workers copy one migrated template database (tests/support/databases.py)
    instead of each migrating its own; dj-stripe's tables come from one migration of its
    models (tests/support/djstripe_migrations, tests/test_migrations.py keeps it true)."""
    from tests.support.databases import migration_modules_for_tests

    settings.MIGRATION_MODULES = migration_modules_for_tests()
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker:
        from tests.support.databases import template_database_use

        own = connection.settings_dict["TEST"]["NAME"]  # pytest-django's, ending in _<worker>
        keepdb = django_db_keepdb and not request.config.getoption("create_db")
        with django_db_blocker.unblock():
            template_database_use(base_name=own.removesuffix(f"_{worker}"), keepdb=keepdb)


@pytest.fixture(scope="session", autouse=True)
def _settings_for_tests():
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SOUK_SPARE_SCHEMAS = 0
    settings.SOUK_SPARE_SCHEMAS_MAX = 0
    from config.celery import app

    app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def marketplaces(django_db_setup, django_db_blocker, _settings_for_tests):
    """Two committed marketplaces of different presets, shared by the whole session."""
    from tenants.models import Marketplace
    from tenants.services import marketplace_create

    made = {}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for spec in (FIRE, TALENT):
            existing = Marketplace.objects.filter(slug=spec.slug).first()
            made[spec.preset] = existing or marketplace_create(
                preset=spec.preset,
                name=spec.name,
                domain=spec.domain,
                slug=spec.slug,
                owner_email="owner@example.com",
            )
    return made


@pytest.fixture
def make_marketplace(marketplaces, db):
    """Provision a marketplace of another preset inside the test's transaction (rolled back)."""
    from tenants.services import marketplace_create

    def make(preset: str):
        name = f"{preset} {secrets.token_hex(3)}"
        return marketplace_create(preset=preset, name=name, owner_email="owner@example.com")

    return make


@pytest.fixture
def fire(marketplaces, db):
    return marketplaces["fire-performers"]


@pytest.fixture
def talent(marketplaces, db):
    return marketplaces["talent-iq"]


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_routing_cache():
    # A test's rolled-back marketplaces must not linger in the per-process host cache.
    from tenants.routing import routing_cache

    routing_cache.clear()
    yield
    routing_cache.clear()


@pytest.fixture
def operator(db):
    """A staff user of the public schema and an API client on the operator host."""
    from accounts.models import User

    connection.set_schema_to_public()
    user = User.objects.create_user(email="ops@souk.test", password="x", is_staff=True)
    return api(None, user)
