"""A marketplace's staff set up its payment providers: an environment chosen from the
provider's own hosts or the operator's sandbox (never an address typed in), credentials that
go in and never come out, on or off."""

import pytest
from django_tenants.utils import tenant_context

from billing.credentials import credentials_open
from billing.models import ProviderAccount
from config.errors import BusinessRuleViolation
from demo.payments import SANDBOX_CREDENTIALS
from tests.support.client import api, assert_error
from tests.support.factories.accounts import StaffUserFactory, UserFactory
from tests.support.sandboxes import fib_payment

URL = "/api/v1/payment-providers/"
SECRET = "s3cret-that-never-comes-back"


@pytest.fixture
def staff(talent):
    with tenant_context(talent):
        return api(talent, StaffUserFactory())


def _fib(payload: dict) -> dict:
    return payload | {"credentials": payload.get("credentials", {})}


def test_staff_see_every_provider_billing_can_drive(staff):
    listed = {choice["code"]: choice for choice in staff.get(URL).json()}
    assert {"fib", "fastpay"} <= set(listed)
    fib = listed["fib"]
    assert fib["configured"] is False and fib["credentials_set"] == []
    assert fib["credential_fields"] == ["client_id", "client_secret"]
    assert {"production", "staging", "sandbox"} <= set(fib["environments"])
    assert fib["currencies"] == ["IQD"]


def test_credentials_go_in_sealed_and_never_come_out(talent, staff, fib_sandbox, settings):
    settings.SOUK_SANDBOX_URLS = {**settings.SOUK_SANDBOX_URLS, "fib": fib_sandbox.url}
    body = {"environment": "sandbox", "credentials": {
        "client_id": SANDBOX_CREDENTIALS["fib"]["client_id"], "client_secret": SECRET}}  # fmt: skip
    answer = staff.put(f"{URL}fib/", body)
    assert answer.status_code == 200, answer.content
    assert SECRET.encode() not in answer.content
    assert answer.json()["credentials_set"] == ["client_id", "client_secret"]
    assert SECRET.encode() not in staff.get(URL).content
    with tenant_context(talent):
        account = ProviderAccount.objects.get(code="fib")
        assert SECRET not in account.credentials_encrypted
        assert credentials_open(account.credentials_encrypted)["client_secret"] == SECRET
        assert account.base_url == fib_sandbox.url

    # A later change names only what changes; the rest is kept.
    right = SANDBOX_CREDENTIALS["fib"]["client_secret"]
    answer = staff.put(f"{URL}fib/", {"environment": "sandbox",
                                      "credentials": {"client_secret": right}})  # fmt: skip
    assert answer.status_code == 200, answer.content
    with tenant_context(talent):
        # Configured through the API, the marketplace now takes FIB payments.
        payment = fib_payment(UserFactory(), UserFactory(role="provider"), key="via-api")
        assert payment.next_action["readable_code"]


def test_an_environment_is_chosen_not_typed(talent, staff):
    body = {"environment": "production",
            "credentials": {"client_id": "shop", "client_secret": SECRET}}  # fmt: skip
    assert staff.put(f"{URL}fib/", body).status_code == 200
    with tenant_context(talent):
        assert ProviderAccount.objects.get(code="fib").base_url == "https://fib.prod.fib.iq"
    # Not a choice at all, or not one this provider has here.
    refused = assert_error(
        staff.put(f"{URL}fib/", body | {"environment": "http://169.254.169.254/"}), 400
    )
    assert "environment" in refused["details"]
    refused = assert_error(
        staff.put(f"{URL}areeba/", {"environment": "staging"}), 400, "invalid_environment"
    )
    assert "production" in refused["details"]["environment"]
    with tenant_context(talent):
        assert ProviderAccount.objects.get(code="fib").environment == "production"


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        ({"client_id": "shop"}, "client_secret"),  # the first set-up names every required one
        ({"client_id": "shop", "client_secret": "x", "api_key": "y"}, "api_key"),
        ({"client_id": "shop", "client_secret": "   "}, "client_secret"),
    ],
)
def test_credentials_that_do_not_fit_change_nothing(talent, staff, credentials, field):
    body = assert_error(
        staff.put(f"{URL}fib/", {"environment": "staging", "credentials": credentials}),
        400,
        "invalid_credentials",
    )
    assert field in body["details"]
    with tenant_context(talent):
        assert not ProviderAccount.objects.filter(code="fib").exists()


def test_a_provider_switched_off_takes_no_payment(talent, staff):
    body = {"environment": "staging",
            "credentials": {"client_id": "shop", "client_secret": SECRET}}  # fmt: skip
    staff.put(f"{URL}fib/", body)
    assert (
        staff.put(f"{URL}fib/", {"environment": "staging", "enabled": False}).json()["enabled"]
        is False
    )
    with tenant_context(talent):
        customer = UserFactory()
        reader = UserFactory(role="provider")
    customer_client = api(talent, customer)
    assert_error(customer_client.get(URL), 403)

    with tenant_context(talent), pytest.raises(BusinessRuleViolation) as refused:
        fib_payment(customer, reader, key="off")
    assert refused.value.code == "provider_not_enabled"


def test_only_staff_and_only_known_providers(talent, staff):
    assert_error(api(talent).get(URL), 401)
    with tenant_context(talent):
        provider = UserFactory(role="provider")
    assert_error(api(talent, provider).put(f"{URL}fib/", {"environment": "staging"}), 403)
    assert_error(staff.put(f"{URL}paypal/", {"environment": "staging"}), 404)


def test_a_change_reaches_the_drivers_each_process_keeps(talent, staff):
    """Drivers are kept per process (a webhook costs no query and no decryption); staff's
    change is seen at once here, and an invalidation from another process clears them too."""
    import time

    import redis
    from django.conf import settings

    from billing.providers import registry
    from tenants.routing import invalidation_channel

    body = {"environment": "staging",
            "credentials": {"client_id": "first-shop", "client_secret": SECRET}}  # fmt: skip
    staff.put(f"{URL}fib/", body)
    with tenant_context(talent):
        assert registry.driver_for("fib").client_id == "first-shop"
        assert registry.driver_for("fib") is registry.driver_for("fib")  # kept, not rebuilt
    staff.put(f"{URL}fib/", body | {"credentials": {"client_id": "second-shop",
                                                     "client_secret": SECRET}})  # fmt: skip
    with tenant_context(talent):
        assert registry.driver_for("fib").client_id == "second-shop"
    staff.put(f"{URL}fib/", {"environment": "staging", "enabled": False})
    with tenant_context(talent), pytest.raises(BusinessRuleViolation) as refused:
        registry.driver_for("fib")
    assert refused.value.code == "provider_not_enabled"

    key = (talent.schema_name, "fib")
    assert key in registry._built  # the refusal is kept too
    redis.Redis.from_url(settings.REDIS_URL).publish(invalidation_channel(), "all")
    deadline = time.monotonic() + 5
    while key in registry._built and time.monotonic() < deadline:
        time.sleep(0.01)
    assert key not in registry._built
