"""The anti-hoarding limits belong to one marketplace: another marketplace's staff cannot set
them, and one marketplace's change leaves the others' alone."""

from django_tenants.utils import tenant_context

from tenants.models import Marketplace
from tests.support.client import api, assert_error
from tests.support.factories.accounts import api_token_for
from tests.support.factories.bookings import staff_party


def test_staff_of_one_marketplace_cannot_set_anothers_limits(fire, talent):
    intruder = staff_party(talent)
    with tenant_context(talent):
        token = api_token_for(intruder.user)
    foreign = api(fire, token=token)
    refused = foreign.patch(
        "/api/v1/marketplace/", {"customer_hold_limit": 0}, content_type="application/json"
    )
    assert_error(refused, 401)

    own = staff_party(fire).api.patch("/api/v1/marketplace/", {"customer_hold_limit": 7})
    assert own.status_code == 200, own.content
    assert Marketplace.objects.get(pk=fire.pk).customer_hold_limit == 7
    assert Marketplace.objects.get(pk=talent.pk).customer_hold_limit == 2
    shown = intruder.api.get("/api/v1/marketplace/").json()["marketplace"]
    assert shown["customer_hold_limit"] == 2
