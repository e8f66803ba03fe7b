from django.core import mail
from django_tenants.utils import tenant_context

from accounts.models import ApiToken
from tests.support.client import api
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory, api_token_for
from tests.support.mail import last_mail_to, link_in

NEW = "quince-harbour-41"
RESET_LINK = (
    r"http://fire-test\.localhost/accounts/password/reset/key/(?P<uid>[0-9a-z]+)-(?P<key>\S+)/"
)


def reset_pair(message):
    uid = link_in(message, r"uid: (\S+)")[1]
    token = link_in(message, r"token: (\S+)")[1]
    return uid, token


def test_password_reset_through_the_api(fire, fire_api, sent):
    with tenant_context(fire):
        user = VerifiedUserFactory(email="rosa@example.com")
        old_key = api_token_for(user)

    with sent():
        response = fire_api.post("/api/v1/auth/password/reset/", {"email": "ROSA@example.com"})
    assert response.status_code == 202
    message = last_mail_to("rosa@example.com")
    assert message.subject.startswith("[Fire Test]")
    uid, token = reset_pair(message)
    link = link_in(message, RESET_LINK)
    assert (link["uid"], link["key"]) == (uid, token)  # one pair for the web page and the API

    weak = fire_api.post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password": "123"},
    )
    assert weak.status_code == 400
    assert weak.json()["error"] == "weak_password"

    done = fire_api.post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password": NEW},
    )
    assert done.status_code == 200, done.content
    with tenant_context(fire):
        user.refresh_from_db()
        assert user.check_password(NEW) and user.password.startswith("argon2")
        assert not ApiToken.objects.filter(user=user).exists()  # old API sessions end
    assert fire_api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code == 401

    again = fire_api.post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password": "another-" + NEW},
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_token"

    old = fire_api.post("/api/v1/auth/login/", {"email": "rosa@example.com", "password": PASSWORD})
    assert old.status_code == 401
    new = fire_api.post("/api/v1/auth/login/", {"email": "rosa@example.com", "password": NEW})
    assert new.status_code == 200


def test_reset_link_opens_allauths_web_page(fire, fire_api, sent):
    with tenant_context(fire):
        VerifiedUserFactory(email="rosa@example.com")
    with sent():
        fire_api.post("/api/v1/auth/password/reset/", {"email": "rosa@example.com"})
    link = link_in(last_mail_to("rosa@example.com"), RESET_LINK)

    web = api(fire, own_address=True)
    page = web.get(f"/accounts/password/reset/key/{link['uid']}-{link['key']}/")
    assert page.status_code == 302
    assert page["Location"].endswith("-set-password/")  # the key moves into the session
    form = web.get(page["Location"])
    assert form.status_code == 200
    assert b"password1" in form.content


def test_reset_request_does_not_reveal_whether_the_account_exists(fire, fire_api, sent):
    with tenant_context(fire):
        VerifiedUserFactory(email="rosa@example.com")

    with sent():
        known = fire_api.post("/api/v1/auth/password/reset/", {"email": "rosa@example.com"})
        unknown = fire_api.post("/api/v1/auth/password/reset/", {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()

    # Each address's owner learns what happened; nobody else gets a word.
    assert [m.to for m in mail.outbox] == [["rosa@example.com"], ["ghost@example.com"]]
    assert "token:" in last_mail_to("rosa@example.com").body
    ghost_mail = last_mail_to("ghost@example.com")
    assert "token:" not in ghost_mail.body
    assert "http://fire-test.localhost/accounts/signup/" in ghost_mail.body


def test_reset_confirm_refuses_garbage(fire_api):
    for uid in ("zz", "!!", "1" * 40):
        response = fire_api.post(
            "/api/v1/auth/password/reset/confirm/",
            {"uid": uid, "token": "x-y", "new_password": NEW},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_token"
