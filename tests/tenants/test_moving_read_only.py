"""While a marketplace moves between cells it is served read-only: writes get 503
``marketplace_read_only`` with Retry-After from the routing middleware, and a write that got
past it (a process that had not heard of the move yet) is refused by the database's trigger
and answered the same way. tests/tenants/test_cells.py moves one for real."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import ApiToken
from tenants.models import Marketplace
from tenants.routing import routing_cache
from tests.support.client import api, assert_error
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(fire):
    with tenant_context(fire):
        return VerifiedUserFactory()


def _tokens(fire) -> int:
    with tenant_context(fire):
        return ApiToken.objects.count()


def test_a_moving_marketplace_answers_reads_and_refuses_writes(fire, member, settings):
    settings.SOUK_MOVE_RETRY_AFTER_S = 7
    client = api(fire, member)
    Marketplace.objects.filter(pk=fire.pk).update(status=Marketplace.Status.MOVING)
    routing_cache.clear()
    before = _tokens(fire)

    assert client.get("/api/v1/me/").json()["email"] == member.email
    refused = client.post("/api/v1/auth/login/", {"email": member.email, "password": PASSWORD})
    body = assert_error(refused, 503, "marketplace_read_only")
    assert refused["Retry-After"] == "7" and fire.name in body["message"]
    page = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert page.status_code == 503 and page["Retry-After"] == "7"
    assert _tokens(fire) == before


def test_a_write_past_the_middleware_is_refused_by_the_database(fire, member):
    client = api(fire, member)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER souk_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
            f'"{fire.schema_name}".accounts_apitoken FOR EACH STATEMENT '
            "EXECUTE FUNCTION public.souk_refuse_write()"
        )
    # A read still answers, though using the token (first use) would write its last use.
    assert client.get("/api/v1/me/").json()["email"] == member.email
    # Its answer is the last thing this test asks: the refusal aborts the test's transaction.
    refused = client.post("/api/v1/auth/login/", {"email": member.email, "password": PASSWORD})
    assert_error(refused, 503, "marketplace_read_only")


def test_a_move_that_died_after_the_freeze_is_aborted_by_hand(fire, member):
    """``marketplace_move <slug> --abort``: the triggers go, the marketplace is active."""
    Marketplace.objects.filter(pk=fire.pk).update(status=Marketplace.Status.MOVING)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER souk_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
            f'"{fire.schema_name}".accounts_apitoken FOR EACH STATEMENT '
            "EXECUTE FUNCTION public.souk_refuse_write()"
        )
    out = io.StringIO()
    call_command("marketplace_move", fire.slug, "--abort", stdout=out)

    assert "active and writable" in out.getvalue()
    assert Marketplace.objects.get(pk=fire.pk).status == Marketplace.Status.ACTIVE
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'souk_read_only'")
        assert cursor.fetchone()[0] == 0
    routing_cache.clear()
    login = {"email": member.email, "password": PASSWORD}
    assert api(fire).post("/api/v1/auth/login/", login).status_code == 200
    with pytest.raises(CommandError, match="not being moved"):
        call_command("marketplace_move", fire.slug, "--abort")
