"""One marketplace's payment-provider set-up is invisible from another's host, and its staff
cannot change another's."""

from django_tenants.utils import tenant_context

from billing.models import ProviderAccount
from tests.support.client import api, assert_error
from tests.support.factories.accounts import StaffUserFactory

SECRET = "talent-only-secret"


def test_another_marketplaces_providers_are_not_reachable(talent, fire):
    with tenant_context(talent):
        talent_staff = api(talent, StaffUserFactory())
    with tenant_context(fire):
        fire_staff = api(fire, StaffUserFactory())
    body = {"environment": "staging",
            "credentials": {"client_id": "talent-shop", "client_secret": SECRET}}  # fmt: skip
    assert talent_staff.put("/api/v1/payment-providers/fib/", body).status_code == 200

    seen = fire_staff.get("/api/v1/payment-providers/")
    assert SECRET.encode() not in seen.content and b"talent-shop" not in seen.content
    assert {c["code"]: c for c in seen.json()}["fib"]["configured"] is False
    # talent's staff token on fire's host is nobody there.
    replayed = api(fire, token=talent_staff.defaults["HTTP_AUTHORIZATION"].split()[1])
    assert_error(replayed.put("/api/v1/payment-providers/fib/", body), 401)
    with tenant_context(fire):
        assert not ProviderAccount.objects.filter(code="fib").exists()
    with tenant_context(talent):
        assert ProviderAccount.objects.get(code="fib").environment == "staging"


def test_each_marketplace_gets_its_own_kept_driver(talent, fire):
    """The drivers a process keeps are per marketplace: fire, warmed after talent, still
    gets its own credentials, and talent's are never handed to fire's requests."""
    from billing.providers.registry import driver_for

    for market, client_id in ((talent, "talent-shop"), (fire, "fire-shop")):
        with tenant_context(market):
            staff = api(market, StaffUserFactory())
        body = {"environment": "staging",
                "credentials": {"client_id": client_id, "client_secret": SECRET}}  # fmt: skip
        assert staff.put("/api/v1/payment-providers/fib/", body).status_code == 200
    for _round in range(2):  # built, then kept
        with tenant_context(talent):
            assert driver_for("fib").client_id == "talent-shop"
        with tenant_context(fire):
            assert driver_for("fib").client_id == "fire-shop"
