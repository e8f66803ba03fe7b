"""The operator's usage of a marketplace (GET /api/v1/operator/marketplaces/<slug>/usage/) is
the operator's alone: a marketplace's host has no such address, and a marketplace's staff
token or session opens nothing on the operator's host."""

from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from tests.support import client as support
from tests.support.client import assert_error
from tests.support.factories.accounts import api_token_for


def test_usage_is_the_operators_alone_and_refuses_bad_months(operator, fire):
    assert_error(operator.get(f"/api/v1/operator/marketplaces/{fire.slug}/usage/?months=0"), 400)
    assert_error(operator.get(f"/api/v1/operator/marketplaces/{fire.slug}/usage/?months=x"), 400)
    assert_error(operator.get("/api/v1/operator/marketplaces/no-such-place/usage/"), 404)
    anonymous = support.api().get(f"/api/v1/operator/marketplaces/{fire.slug}/usage/")
    assert anonymous.status_code == 401
    # The operator API does not exist on a marketplace's host.
    assert (
        support.api(fire).get(f"/api/v1/operator/marketplaces/{fire.slug}/usage/").status_code
        == 404
    )


def test_a_marketplaces_staff_token_and_session_open_no_usage(fire, talent):
    with tenant_context(talent):
        owner = get_user_model().objects.get(email="owner@example.com")
        token = api_token_for(owner)
    for slug in (talent.slug, fire.slug):
        answer = support.api(token=token).get(f"/api/v1/operator/marketplaces/{slug}/usage/")
        assert answer.status_code == 401
        # Its session cookie, replayed on the operator's host, is nobody there.
        session = support.api(talent, owner, session=True)
        replayed = support.api()
        replayed.cookies = session.cookies
        assert replayed.get(f"/api/v1/operator/marketplaces/{slug}/usage/").status_code == 401
        on_its_host = support.api(talent, owner).get(f"/api/v1/operator/marketplaces/{slug}/usage/")
        assert on_its_host.status_code == 404
