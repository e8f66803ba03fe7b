import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django_tenants.utils import tenant_context

from accounts.models import ApiToken, User
from accounts.services import user_signup
from config.errors import InvalidInput
from tests.support.client import api
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory, unique_email
from tests.support.mail import last_mail_to, link_in

STRONG = "saffron-lantern-87"
CONFIRM_LINK = r"http://fire-test\.localhost/accounts/confirm-email/(?P<key>[^/\s]+)/"


def signup(client, **fields):
    body = {"email": "amira@example.com", "password": STRONG, "display_name": "Amira"}
    return client.post("/api/v1/auth/signup/", {**body, **fields})


def test_signup_verify_login_me(fire, fire_api, sent):
    with sent():
        response = signup(fire_api, role="provider", email=" Amira@Example.com ")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["email"] == "amira@example.com"
    assert created["role"] == "provider"
    assert created["email_verified"] is False

    with tenant_context(fire):
        user = User.objects.get(email="amira@example.com")
        assert user.password.startswith("argon2")
        assert user.role == User.Role.PROVIDER and not user.is_staff
    message = last_mail_to("amira@example.com")
    assert message.subject.startswith("[Fire Test]")
    key = link_in(message, CONFIRM_LINK)["key"]

    verified = fire_api.post("/api/v1/auth/email/verify/", {"key": key})
    assert verified.status_code == 200, verified.content
    assert verified.json()["email_verified"] is True
    again = fire_api.post("/api/v1/auth/email/verify/", {"key": key})
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_key"

    login = fire_api.post("/api/v1/auth/login/", {"email": "AMIRA@example.com", "password": STRONG})
    assert login.status_code == 200, login.content
    token = login.json()["token"]
    assert login.json()["user"]["email"] == "amira@example.com"

    me = fire_api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json() == {
        "id": user.pk,
        "email": "amira@example.com",
        "display_name": "Amira",
        "role": "provider",
        "language": "",
        "email_verified": True,
    }


def test_verification_link_works_on_the_web_page(fire, fire_api, sent):
    with sent():
        signup(fire_api)
    key = link_in(last_mail_to("amira@example.com"), CONFIRM_LINK)["key"]

    web = api(fire, own_address=True)
    page = web.get(f"/accounts/confirm-email/{key}/")
    assert page.status_code == 200
    assert b"amira@example.com" in page.content
    assert web.post_form(f"/accounts/confirm-email/{key}/").status_code == 302

    with tenant_context(fire):
        assert EmailAddress.objects.get(email="amira@example.com").verified


def test_unverified_login_is_refused_and_the_link_is_sent_again(fire, fire_api, sent):
    with sent():
        signup(fire_api)
    mail.outbox.clear()

    with sent():
        response = fire_api.post(
            "/api/v1/auth/login/", {"email": "amira@example.com", "password": STRONG}
        )
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "email_unverified"
    assert body["message"] and body["details"] == {}
    link_in(last_mail_to("amira@example.com"), CONFIRM_LINK)
    with tenant_context(fire):
        assert not ApiToken.objects.exists()


def test_wrong_password_and_unknown_email_get_the_same_401(fire, fire_api):
    # Fresh addresses: failed log-ins are counted per address in Redis, across runs.
    sam, who = unique_email("sam"), unique_email("who")
    with tenant_context(fire):
        VerifiedUserFactory(email=sam)

    wrong = fire_api.post("/api/v1/auth/login/", {"email": sam, "password": "nope-nope-nope"})
    unknown = fire_api.post("/api/v1/auth/login/", {"email": who, "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {
            "error": "invalid_credentials",
            "message": "The e-mail address or the password is not correct.",
            "details": {},
        }


def test_weak_password_is_refused(fire, fire_api):
    response = signup(fire_api, password="password")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "weak_password"
    assert body["details"]["password"]
    response = signup(fire_api, password="amira-example")  # too like the e-mail address
    assert response.json()["error"] == "weak_password"
    with tenant_context(fire):
        assert not User.objects.filter(email="amira@example.com").exists()


def test_duplicate_email_is_refused_whatever_its_case(fire, fire_api, sent):
    with sent():
        assert signup(fire_api, email="Dup@Example.com").status_code == 201
    response = signup(fire_api, email="dup@example.COM", password="another-good-phrase-5")
    assert response.status_code == 400
    assert response.json()["error"] == "email_taken"
    assert response.json()["details"]["email"]
    with tenant_context(fire):
        assert User.objects.filter(email__iexact="dup@example.com").count() == 1


def test_signup_cannot_make_staff(fire, fire_api):
    response = signup(fire_api, role="staff")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "role" in response.json()["details"]

    with tenant_context(fire):
        with pytest.raises(InvalidInput) as raised:
            user_signup(email="boss@example.com", password=STRONG, role="staff")
        assert raised.value.code == "role_not_allowed"
        assert not User.objects.filter(role=User.Role.STAFF, email="boss@example.com").exists()
        assert not User.objects.filter(email="amira@example.com").exists()


def test_signup_validates_input_shape(fire_api):
    response = fire_api.post("/api/v1/auth/signup/", {"email": "not-an-address"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert set(body["details"]) == {"email", "password"}


def test_logout_revokes_the_token(fire, fire_api):
    with tenant_context(fire):
        user = VerifiedUserFactory()
    token = fire_api.post(
        "/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    assert fire_api.post("/api/v1/auth/logout/", **auth).status_code == 204
    me = fire_api.get("/api/v1/me/", **auth)
    assert me.status_code == 401
    assert me.json()["error"] == "authentication_failed"
    with tenant_context(fire):
        assert not ApiToken.objects.filter(user=user).exists()


def test_me_requires_log_in(fire_api):
    response = fire_api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "error": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "details": {},
    }


def test_me_shows_and_edits_only_the_own_user(fire, fire_api, talent):
    with tenant_context(fire):
        first, second = VerifiedUserFactory(), VerifiedUserFactory()
    for user in (first, second):
        token = fire_api.post(
            "/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}
        ).json()["token"]
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}  # the older keyword works too
        assert fire_api.get("/api/v1/me/", **auth).json()["email"] == user.email

        changed = fire_api.patch(
            "/api/v1/me/",
            {"display_name": f"Renamed {user.pk}", "id": 1, "role": "staff"},
            content_type="application/json",
            **auth,
        )
        assert changed.status_code == 200
        assert changed.json()["display_name"] == f"Renamed {user.pk}"
        assert changed.json()["role"] == "customer"
        assert changed.json()["id"] == user.pk

    bad = fire_api.patch("/api/v1/me/", {"language": "xx"}, content_type="application/json", **auth)
    assert bad.status_code == 400
    assert "language" in bad.json()["details"]
    with tenant_context(fire):
        assert set(
            User.objects.filter(pk__in=[first.pk, second.pk]).values_list("role", flat=True)
        ) == {"customer"}


def test_auth_endpoints_are_throttled(fire):
    from django.conf import settings
    from rest_framework.throttling import ScopedRateThrottle

    allowed, _ = ScopedRateThrottle().parse_rate(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"]
    )
    client = api(fire, own_address=True)
    verify = "/api/v1/auth/email/verify/"
    # A wrong key costs nothing but the request (the mailing endpoints have an hourly limit
    # of their own, tested in test_throttling).
    for _ in range(allowed):
        assert client.post(verify, {"key": "wrong"}).status_code == 400
    response = client.post("/api/v1/auth/magic-link/", {"email": "x@example.com"})
    assert response.status_code == 429
    assert response.json()["error"] == "throttled"
    assert "Retry-After" in response.headers
    # Another client address is not held back.
    assert api(fire, own_address=True).post(verify, {"key": "wrong"}).status_code == 400


def test_auth_endpoints_are_documented(fire_api):
    schema = fire_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "signup",
        "login",
        "logout",
        "email/verify",
        "password/reset",
        "password/reset/confirm",
        "magic-link",
        "magic-link/confirm",
    ):
        assert f"/api/v1/auth/{path}/" in paths
    login = paths["/api/v1/auth/login/"]["post"]
    assert {"200", "401", "403", "429"} <= set(login["responses"])
    assert set(paths["/api/v1/me/"]) == {"get", "patch"}
