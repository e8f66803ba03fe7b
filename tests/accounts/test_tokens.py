"""API tokens: many per user, hashed at rest, expiring, listed and revoked, and dead after any
password change, whatever the path."""

import hashlib
from datetime import timedelta

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import ApiToken, User
from accounts.services.tokens import MAX_TOKENS_PER_USER
from tests.support.client import api
from tests.support.factories.accounts import (
    PASSWORD,
    VerifiedUserFactory,
    api_token_for,
    unique_email,
)

NEW = "quince-harbour-41"


def login(client, email, password=PASSWORD, **extra):
    response = client.post("/api/v1/auth/login/", {"email": email, "password": password}, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def me(client, key):
    return client.get("/api/v1/me/", **bearer(key))


def assert_refused(response, code):
    assert response.status_code == 401, response.content
    assert response.json()["error"] == code, response.content


def make_user(marketplace, **fields):
    with tenant_context(marketplace):
        return VerifiedUserFactory(email=unique_email("tok"), **fields)


def test_each_log_in_gets_its_own_expiring_token_stored_hashed(fire, fire_api, settings):
    user = make_user(fire)
    phone = login(fire_api, user.email, HTTP_USER_AGENT="SoukApp/2.1 (iPhone)")
    laptop = login(fire_api, user.email, HTTP_USER_AGENT="Firefox/140")
    assert phone["token"] != laptop["token"]
    for body in (phone, laptop):
        assert me(fire_api, body["token"]).json()["id"] == user.pk
        expires = timezone.datetime.fromisoformat(body["expires_at"])
        assert abs(expires - timezone.now() - timedelta(days=settings.SOUK_TOKEN_TTL_DAYS)) < (
            timedelta(minutes=1)
        )

    with tenant_context(fire):
        rows = list(ApiToken.objects.filter(user=user).order_by("pk"))
    assert [row.name for row in rows] == ["SoukApp/2.1 (iPhone)", "Firefox/140"]
    for row, body in zip(rows, (phone, laptop), strict=True):
        assert row.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
        assert body["token"] not in {getattr(row, f.attname) for f in ApiToken._meta.fields}

    listed = fire_api.get("/api/v1/auth/tokens/", **bearer(phone["token"]))
    assert listed.status_code == 200
    items = listed.json()
    assert [item["id"] for item in items] == [rows[1].pk, rows[0].pk]  # newest first
    assert [item["current"] for item in items] == [False, True]
    assert set(items[0]) == {"id", "name", "created_at", "last_used_at", "expires_at", "current"}
    assert phone["token"] not in listed.content.decode()


def test_an_expired_token_is_refused_with_its_own_code(fire, fire_api, settings):
    user = make_user(fire)
    key = login(fire_api, user.email)["token"]
    later = timezone.now() + timedelta(days=settings.SOUK_TOKEN_TTL_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert_refused(me(fire_api, key), "token_expired")
    assert me(fire_api, key).status_code == 200  # still good before its time


def test_last_used_is_written_at_most_once_a_minute(fire, fire_api):
    user = make_user(fire)
    key = login(fire_api, user.email)["token"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        me(fire_api, key)
    with tenant_context(fire):
        first = ApiToken.objects.get(user=user).last_used_at
    assert first == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        me(fire_api, key)
    with tenant_context(fire):
        assert ApiToken.objects.get(user=user).last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        me(fire_api, key)
    with tenant_context(fire):
        assert ApiToken.objects.get(user=user).last_used_at == start + timedelta(seconds=61)


def test_password_change_on_the_web_revokes_api_tokens(fire, fire_api):
    user = make_user(fire)
    key = login(fire_api, user.email)["token"]
    browser = api(fire, own_address=True)
    browser.force_login(user)
    page = browser.post_form(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW},
    )
    assert page.status_code == 302, page.content
    # allauth's password change deletes the tokens outright (AccountAdapter.set_password).
    with tenant_context(fire):
        assert not ApiToken.objects.filter(user=user).exists()
    assert_refused(me(fire_api, key), "authentication_failed")
    assert me(fire_api, login(fire_api, user.email, NEW)["token"]).status_code == 200


def test_password_change_in_the_admin_revokes_api_tokens(fire, fire_api):
    user = make_user(fire)
    key = login(fire_api, user.email)["token"]
    with tenant_context(fire):
        staff = VerifiedUserFactory(role=User.Role.STAFF, is_staff=True, is_superuser=True)
    browser = api(fire, own_address=True)
    browser.force_login(staff)
    page = browser.post_form(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW, "password2": NEW},
    )
    assert page.status_code == 302, page.content
    assert_refused(me(fire_api, key), "token_revoked")


def test_set_password_anywhere_revokes_api_tokens(fire, fire_api):
    # As `manage.py changepassword` or a shell does: no service, just the model.
    user = make_user(fire)
    key, unused = login(fire_api, user.email)["token"], login(fire_api, user.email)["token"]
    with tenant_context(fire):
        user.set_password(NEW)
        user.save()
    assert_refused(me(fire_api, key), "token_revoked")
    with tenant_context(fire):
        assert list(ApiToken.objects.filter(user=user)) == [
            ApiToken.objects.get(key_hash=hashlib.sha256(unused.encode()).hexdigest())
        ]  # a refused token is removed...
    login(fire_api, user.email, NEW)
    with tenant_context(fire):  # ...and the next log-in removes the others of the old password
        assert ApiToken.objects.filter(user=user).count() == 1
    assert_refused(me(fire_api, unused), "authentication_failed")


def test_a_user_keeps_a_bounded_number_of_tokens(fire, fire_api):
    user = make_user(fire)
    with tenant_context(fire):
        oldest = api_token_for(user)
        for _ in range(MAX_TOKENS_PER_USER - 1):
            api_token_for(user)
    newest = login(fire_api, user.email)["token"]
    with tenant_context(fire):
        assert ApiToken.objects.filter(user=user).count() == MAX_TOKENS_PER_USER
    assert_refused(me(fire_api, oldest), "authentication_failed")
    assert me(fire_api, newest).status_code == 200


def test_logout_revokes_the_current_token_or_all(fire, fire_api):
    user = make_user(fire)
    first, second, third = (login(fire_api, user.email)["token"] for _ in range(3))

    assert fire_api.post("/api/v1/auth/logout/", **bearer(first)).status_code == 204
    assert_refused(me(fire_api, first), "authentication_failed")
    assert me(fire_api, second).status_code == 200

    response = fire_api.post("/api/v1/auth/logout/", {"all": True}, **bearer(second))
    assert response.status_code == 204
    for key in (second, third):
        assert_refused(me(fire_api, key), "authentication_failed")
    with tenant_context(fire):
        assert not ApiToken.objects.filter(user=user).exists()


def test_revoke_one_token_by_id(fire, fire_api):
    user, other = make_user(fire), make_user(fire)
    keep, drop = login(fire_api, user.email)["token"], login(fire_api, user.email)["token"]
    others = login(fire_api, other.email)["token"]
    with tenant_context(fire):
        drop_id = ApiToken.objects.get(key_hash=hashlib.sha256(drop.encode()).hexdigest()).pk
        others_id = ApiToken.objects.get(user=other).pk

    assert fire_api.delete(f"/api/v1/auth/tokens/{others_id}/", **bearer(keep)).status_code == 404
    assert me(fire_api, others).status_code == 200
    assert fire_api.delete("/api/v1/auth/tokens/999999999/", **bearer(keep)).status_code == 404

    assert fire_api.delete(f"/api/v1/auth/tokens/{drop_id}/", **bearer(keep)).status_code == 204
    assert_refused(me(fire_api, drop), "authentication_failed")
    assert me(fire_api, keep).status_code == 200
    assert fire_api.get("/api/v1/auth/tokens/").status_code == 401


def test_token_endpoints_are_documented(fire_api):
    schema = fire_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    scheme = schema.json()["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert {"bearerAuth": []} in paths["/api/v1/me/"]["get"]["security"]
    assert set(paths["/api/v1/auth/tokens/"]) == {"get"}
    assert set(paths["/api/v1/auth/tokens/{id}/"]) == {"delete"}
