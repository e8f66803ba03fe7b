from datetime import timedelta

import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from tests.support.client import api
from tests.support.factories.accounts import VerifiedUserFactory
from tests.support.mail import last_mail_to, link_in

LINK = r"http://fire-test\.localhost/accounts/magic/(?P<token>[^/\s]+)/"


def request_link(client, email, sent):
    with sent():
        response = client.post("/api/v1/auth/magic-link/", {"email": email})
    assert response.status_code == 202
    message = last_mail_to(email.lower())
    token = link_in(message, LINK)["token"]
    assert token in message.body.split()  # also given bare, for apps
    return token


def test_magic_link_logs_in_once(fire, fire_api, sent):
    with tenant_context(fire):
        user = VerifiedUserFactory(email="noor@example.com")
    token = request_link(fire_api, "Noor@Example.com", sent)
    assert last_mail_to("noor@example.com").subject.startswith("[Fire Test]")

    response = fire_api.post("/api/v1/auth/magic-link/confirm/", {"token": token})
    assert response.status_code == 200, response.content
    api_token = response.json()["token"]
    me = fire_api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert me.json()["id"] == user.pk

    again = fire_api.post("/api/v1/auth/magic-link/confirm/", {"token": token})
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_token"


def test_logging_in_otherwise_voids_an_unused_link(fire, fire_api, sent):
    with tenant_context(fire):
        user = VerifiedUserFactory(email="noor@example.com")
    token = request_link(fire_api, "noor@example.com", sent)
    assert (
        fire_api.post(
            "/api/v1/auth/login/",
            {"email": user.email, "password": "correct-horse-battery"},
        ).status_code
        == 200
    )

    response = fire_api.post("/api/v1/auth/magic-link/confirm/", {"token": token})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def test_expired_magic_link_is_refused(fire, fire_api, sent):
    with tenant_context(fire):
        VerifiedUserFactory(email="noor@example.com")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = request_link(fire_api, "noor@example.com", sent)
        clock.shift(timedelta(minutes=14))
        fresh = api(fire, own_address=True)
        # Still valid just before the deadline: checked without using it up.
        assert fresh.get(f"/accounts/magic/{token}/").status_code == 200
        clock.shift(timedelta(minutes=1, seconds=1))
        response = fresh.post("/api/v1/auth/magic-link/confirm/", {"token": token})
    assert response.status_code == 400
    assert response.json()["error"] == "token_expired"


def test_forged_magic_link_is_refused(fire, fire_api):
    response = fire_api.post(
        "/api/v1/auth/magic-link/confirm/", {"token": "eyJ1IjoxfQ:1abc:forged"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def test_magic_link_verifies_the_address_it_reached(fire, fire_api, sent):
    with tenant_context(fire):
        user = VerifiedUserFactory(email="new@example.com", email_address=False)
    token = request_link(fire_api, "new@example.com", sent)

    response = fire_api.post("/api/v1/auth/magic-link/confirm/", {"token": token})
    assert response.status_code == 200
    assert response.json()["user"]["email_verified"] is True
    with tenant_context(fire):
        assert EmailAddress.objects.get(user=user).verified


def test_magic_link_request_does_not_reveal_whether_the_account_exists(fire, fire_api, sent):
    with tenant_context(fire):
        VerifiedUserFactory(email="noor@example.com")
        User.objects.create_user(email="gone@example.com", password="x", is_active=False)
    with sent():
        answers = [
            fire_api.post("/api/v1/auth/magic-link/", {"email": email})
            for email in ("noor@example.com", "ghost@example.com", "gone@example.com")
        ]
    assert {(a.status_code, a.content) for a in answers} == {
        (answers[0].status_code, answers[0].content)
    }
    assert answers[0].status_code == 202
    assert "/accounts/magic/" in last_mail_to("noor@example.com").body
    for email in ("ghost@example.com", "gone@example.com"):
        assert "/accounts/magic/" not in last_mail_to(email).body
    assert len(mail.outbox) == 3


def test_magic_link_web_page_logs_the_browser_in(fire, fire_api, sent):
    with tenant_context(fire):
        user = VerifiedUserFactory(email="noor@example.com")
    token = request_link(fire_api, "noor@example.com", sent)

    browser = api(fire, own_address=True)
    page = browser.get(f"/accounts/magic/{token}/")
    assert page.status_code == 200
    assert b"noor@example.com" in page.content and b"<form" in page.content
    assert browser.get("/api/v1/me/").status_code == 401  # a GET (mail scanner) logs nobody in

    done = browser.post_form(f"/accounts/magic/{token}/")
    assert done.status_code == 302
    me = browser.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["id"] == user.pk

    reused = api(fire, own_address=True).post_form(f"/accounts/magic/{token}/")
    assert reused.status_code == 400
    assert b"already used" in reused.content
