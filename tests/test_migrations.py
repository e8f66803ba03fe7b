"""Migrations match the models: no app has a change without its migration, and the one
migration the suite makes dj-stripe's tables with (tests/support/djstripe_migrations) gives
the same tables as dj-stripe's own history, which deployments run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.support.databases import DJSTRIPE_MIGRATIONS, migration_modules_for_tests

pytestmark = pytest.mark.django_db


def _changes(app: str | None = None) -> str:
    out = StringIO()
    args = [app] if app else []
    try:
        call_command("makemigrations", *args, check=True, dry_run=True, stdout=out)
    except SystemExit:  # --check exits non-zero when a migration is missing
        return out.getvalue()
    return ""


def test_every_app_has_the_migrations_of_its_models():
    assert _changes() == ""


def test_the_suites_djstripe_migration_and_djstripes_own_history_both_match_its_models():
    with override_settings(MIGRATION_MODULES=migration_modules_for_tests()):
        from django.conf import settings

        assert settings.MIGRATION_MODULES["djstripe"] == DJSTRIPE_MIGRATIONS
        assert _changes("djstripe") == "", "make tests/support/djstripe_migrations again"
    own = {
        app: module for app, module in migration_modules_for_tests().items() if app != "djstripe"
    }
    with override_settings(MIGRATION_MODULES=own):
        assert _changes("djstripe") == ""
