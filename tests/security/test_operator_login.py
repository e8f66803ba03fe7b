"""Operators log in through the API on the operator host: public-schema staff users only, under
the same log-in limits as a marketplace's users; an operator token means nothing elsewhere."""

import secrets

import pytest
from django_tenants.utils import schema_context, tenant_context

from accounts.models import User
from tests.support import client as support
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/operator/auth/login/"
MARKETPLACES = "/api/v1/operator/marketplaces/"


def _email(name: str) -> str:
    return f"{name}-{secrets.token_hex(4)}@souk.test"


def _login(client: support.ApiClient, email: str, password: str, path: str = LOGIN):
    return client.post(
        path, {"email": email, "password": password}, content_type="application/json"
    )


def _public_user(email: str, *, is_staff: bool) -> User:
    with schema_context("public"):
        return User.objects.create_user(email=email, password=PASSWORD, is_staff=is_staff)


def test_a_staff_user_logs_in_and_lists_marketplaces_with_the_token(fire):
    email = _email("ops")
    _public_user(email, is_staff=True)

    response = _login(support.api(own_address=True), email, PASSWORD)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["email"] == email and body["expires_at"]
    api = support.api(token=body["token"], own_address=True)
    listed = api.get(MARKETPLACES)
    assert listed.status_code == 200, listed.content
    assert fire.slug in {m["slug"] for m in listed.json()}

    tokens = api.get("/api/v1/operator/auth/tokens/")
    assert tokens.status_code == 200
    assert [t["current"] for t in tokens.json()] == [True]

    logout = api.post("/api/v1/operator/auth/logout/", content_type="application/json")
    assert logout.status_code == 204
    assert api.get(MARKETPLACES).status_code == 401


def test_a_non_staff_public_user_is_refused_like_a_wrong_password():
    email = _email("plain")
    _public_user(email, is_staff=False)

    refused = _login(support.api(own_address=True), email, PASSWORD)
    unknown = _login(support.api(own_address=True), _email("nobody"), PASSWORD)

    assert refused.status_code == unknown.status_code == 401, refused.content
    assert refused.json() == unknown.json()
    assert refused.json()["error"] == "invalid_credentials"


def test_a_marketplace_owners_credentials_do_not_log_in_on_the_operator_host(fire):
    email = _email("owner")
    with tenant_context(fire):
        VerifiedUserFactory(email=email, is_staff=True, role=User.Role.STAFF)
    # They are good credentials on their own marketplace.
    on_fire = support.api(fire, own_address=True)
    assert _login(on_fire, email, PASSWORD, "/api/v1/auth/login/").status_code == 200

    response = _login(support.api(own_address=True), email, PASSWORD)

    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_credentials"


def test_an_operator_token_means_nothing_on_a_marketplace_host(fire):
    email = _email("ops")
    _public_user(email, is_staff=True)
    token = _login(support.api(own_address=True), email, PASSWORD).json()["token"]

    on_fire = support.api(fire, token=token, own_address=True)
    response = on_fire.get("/api/v1/me/")

    assert response.status_code == 401, response.content


def test_operator_log_in_is_limited_per_account(settings):
    email = _email("ops")
    _public_user(email, is_staff=True)

    for n in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT + 1):
        assert (
            _login(support.api(own_address=True), email, "wrong-password-1").status_code == 401
        ), n
    locked = _login(support.api(own_address=True), email, PASSWORD)

    assert locked.status_code == 429, locked.content
    assert locked.json()["error"] == "login_locked"
    assert int(locked["Retry-After"]) > 0


def test_a_non_staff_users_right_password_counts_as_a_failure(settings):
    email = _email("plain")
    _public_user(email, is_staff=False)

    for n in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT + 1):
        assert _login(support.api(own_address=True), email, PASSWORD).status_code == 401, n

    assert _login(support.api(own_address=True), email, PASSWORD).status_code == 429
