import re

from allauth.account.models import EmailAddress
from django.core import mail
from django_tenants.utils import tenant_context

from accounts.models import User
from tenants.models import Domain
from tests.support.client import api
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory, unique_email
from tests.support.mail import last_mail_to, link_in


def login_token(client, email, password):
    response = client.post("/api/v1/auth/login/", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_web_log_in_through_allauths_page_gives_a_session(fire):
    with tenant_context(fire):
        user = VerifiedUserFactory(email="lina@example.com")
    browser = api(fire, own_address=True)
    response = browser.post_form(
        "/accounts/login/", {"login": "lina@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    me = browser.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["id"] == user.pk


def test_web_sign_up_mails_a_link_on_the_primary_domain(fire, sent):
    Domain.objects.create(domain="fire-alias.localhost", tenant=fire, is_primary=False)
    email = unique_email("web")
    browser = api("fire-alias.localhost", own_address=True)
    with sent():
        response = browser.post_form(
            "/accounts/signup/",
            {
                "email": email.upper(),
                "password1": "saffron-lantern-87",
                "password2": "saffron-lantern-87",
            },
        )
    assert response.status_code == 302
    message = last_mail_to(email)
    assert message.subject.startswith("[Fire Test]")
    key = link_in(message, r"http://fire-test\.localhost/accounts/confirm-email/([^/\s]+)/")[1]
    assert (
        api(fire, own_address=True).post("/api/v1/auth/email/verify/", {"key": key}).status_code
        == 200
    )
    with tenant_context(fire):
        user = User.objects.get(email=email)
        assert user.role == User.Role.CUSTOMER and user.password.startswith("argon2")


def test_web_password_reset_mail_also_carries_the_api_pair(fire, sent):
    email = unique_email("lina")
    with tenant_context(fire):
        VerifiedUserFactory(email=email)
    with sent():
        response = api(fire, own_address=True).post_form(
            "/accounts/password/reset/", {"email": email}
        )
    assert response.status_code == 302
    message = last_mail_to(email)
    uid = link_in(message, r"uid: (\S+)")[1]
    token = link_in(message, r"token: (\S+)")[1]
    assert f"http://fire-test.localhost/accounts/password/reset/key/{uid}-{token}/" in message.body
    done = api(fire, own_address=True).post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password": "quince-harbour-41"},
    )
    assert done.status_code == 200


def test_same_email_holds_separate_accounts_on_two_marketplaces(fire, talent, sent):
    fire_api, talent_api = api(fire, own_address=True), api(talent, own_address=True)
    passwords = {"fire": "ember-juggler-2024", "talent": "oud-player-baghdad-9"}
    with sent():
        for client, password in ((fire_api, passwords["fire"]), (talent_api, passwords["talent"])):
            response = client.post(
                "/api/v1/auth/signup/", {"email": "Twin@Example.com", "password": password}
            )
            assert response.status_code == 201, response.content

    messages = [m for m in mail.outbox if m.to == ["twin@example.com"]]
    assert [m.subject.split("]")[0] for m in messages] == ["[Fire Test", "[Talent Test"]
    for client, message, host in (
        (fire_api, messages[0], "fire-test"),
        (talent_api, messages[1], "talent-test"),
    ):
        key = link_in(message, rf"http://{host}\.localhost/accounts/confirm-email/([^/\s]+)/")[1]
        assert client.post("/api/v1/auth/email/verify/", {"key": key}).status_code == 200

    rows = {}
    for marketplace in (fire, talent):
        with tenant_context(marketplace):
            rows[marketplace.slug] = list(User.objects.filter(email="twin@example.com"))
    assert len(rows["fire-test"]) == len(rows["talent-test"]) == 1
    assert rows["fire-test"][0].password != rows["talent-test"][0].password

    fire_token = login_token(fire_api, "twin@example.com", passwords["fire"])
    talent_token = login_token(talent_api, "twin@example.com", passwords["talent"])
    assert fire_token != talent_token
    # Each marketplace knows only its own password.
    crossed = fire_api.post(
        "/api/v1/auth/login/",
        {"email": "twin@example.com", "password": passwords["talent"]},
    )
    assert crossed.status_code == 401


def test_a_token_from_one_marketplace_is_refused_on_another(fire, talent):
    with tenant_context(fire):
        VerifiedUserFactory(email="same@example.com")
    with tenant_context(talent):
        VerifiedUserFactory(email="same@example.com")
    fire_token = login_token(api(fire, own_address=True), "same@example.com", PASSWORD)

    response = api(talent, own_address=True).get(
        "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {fire_token}"
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": "authentication_failed",
        "message": "This token is not valid; log in again.",
        "details": {},
    }
    assert response["WWW-Authenticate"] == "Bearer"
    logout = api(talent, own_address=True).post(
        "/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Bearer {fire_token}"
    )
    assert logout.status_code == 401


def test_a_session_from_one_marketplace_is_anonymous_on_another(fire, talent):
    with tenant_context(fire):
        VerifiedUserFactory(email="same@example.com")
    with tenant_context(talent):
        VerifiedUserFactory(email="same@example.com")
    browser = api(fire, own_address=True)
    assert (
        browser.post_form(
            "/accounts/login/", {"login": "same@example.com", "password": PASSWORD}
        ).status_code
        == 302
    )
    session_id = browser.cookies["sessionid"].value

    stranger = api(talent, own_address=True)
    stranger.cookies["sessionid"] = session_id
    assert stranger.get("/api/v1/me/").status_code == 401
    home = stranger.get("/")
    assert b"same@example.com" not in home.content


def test_a_magic_link_from_one_marketplace_is_refused_on_another(fire, talent, sent):
    with tenant_context(fire):
        VerifiedUserFactory(email="same@example.com")
    with tenant_context(talent):
        VerifiedUserFactory(email="same@example.com")
    with sent():
        api(fire, own_address=True).post("/api/v1/auth/magic-link/", {"email": "same@example.com"})
    token = link_in(last_mail_to("same@example.com"), r"/accounts/magic/([^/\s]+)/")[1]

    response = api(talent, own_address=True).post(
        "/api/v1/auth/magic-link/confirm/", {"token": token}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def _colliding_addresses(fire, talent, sent):
    """A pending address on fire and one on talent that share a primary key."""
    with sent():
        api(fire, own_address=True).post(
            "/api/v1/auth/signup/",
            {"email": "mine@example.com", "password": "ember-juggler-2024"},
        )
    key = link_in(last_mail_to("mine@example.com"), r"/accounts/confirm-email/([^/\s]+)/")[1]
    with tenant_context(fire):
        pk = EmailAddress.objects.get(email="mine@example.com").pk
    with tenant_context(talent):
        victim = VerifiedUserFactory(email="victim@example.com", email_address=False)
        EmailAddress.objects.filter(id=pk).delete()  # a committed row may hold that id
        EmailAddress.objects.filter(user=victim).update(id=pk)
    return key


def test_a_verification_key_from_one_marketplace_is_refused_on_another(fire, talent, sent):
    # Keys are random rows in each schema (ACCOUNT_EMAIL_CONFIRMATION_HMAC = False): an
    # HMAC key would sign only the address's id, which another marketplace may hold too.
    key = _colliding_addresses(fire, talent, sent)
    assert re.fullmatch(r"[0-9a-z]{64}", key)

    response = api(talent, own_address=True).post("/api/v1/auth/email/verify/", {"key": key})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_key"
    with tenant_context(talent):
        assert not EmailAddress.objects.get(email="victim@example.com").verified
    assert (
        api(fire, own_address=True).post("/api/v1/auth/email/verify/", {"key": key}).status_code
        == 200
    )
