"""Log-in limits per account and per client with backoff, on the API and the web alike, and
caps on the mails a stranger can make us send."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory, unique_email

WRONG = "not-the-password-1"


def login(client, email, password):
    return client.post("/api/v1/auth/login/", {"email": email, "password": password})


def assert_locked(response):
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["error"] == "login_locked"
    assert set(body) == {"error", "message", "details"}
    retry_after = int(response["Retry-After"])
    assert retry_after > 0 and body["details"]["retry_after"] == retry_after
    return retry_after


def test_one_account_is_locked_whatever_address_the_guesses_come_from(fire, settings):
    email = unique_email("target")
    with tenant_context(fire):
        VerifiedUserFactory(email=email)
    free = settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT

    for n in range(free + 1):
        response = login(api(fire, own_address=True), email.upper(), WRONG)
        assert response.status_code == 401, (n, response.content)
    retry_after = assert_locked(login(api(fire, own_address=True), email, WRONG))
    assert retry_after <= settings.SOUK_LOGIN_LOCKOUT_SECONDS

    # The right password does not get through a lock either, from anywhere.
    assert_locked(login(api(fire, own_address=True), email, PASSWORD))
    assert_locked(login(api(fire, own_address=True), f" {email} ", PASSWORD))


def test_the_lock_out_grows_with_each_failure_after_it_lifts(fire, settings):
    email = unique_email("backoff")
    with tenant_context(fire):
        VerifiedUserFactory(email=email)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for _ in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT + 1):
            assert login(api(fire, own_address=True), email, WRONG).status_code == 401
        waits = [assert_locked(login(api(fire, own_address=True), email, WRONG))]

    for _ in range(2):
        now += timedelta(seconds=waits[-1] - 1)
        with time_machine.travel(now, tick=False):
            assert_locked(login(api(fire, own_address=True), email, PASSWORD))  # not yet
        now += timedelta(seconds=1)
        with time_machine.travel(now, tick=False):
            # One more guess once the lock lifts, then a longer lock.
            assert login(api(fire, own_address=True), email, WRONG).status_code == 401
            waits.append(assert_locked(login(api(fire, own_address=True), email, WRONG)))
    first = settings.SOUK_LOGIN_LOCKOUT_SECONDS
    assert waits == [first, 2 * first, 4 * first]


def test_a_success_forgives_the_accounts_earlier_failures(fire, settings):
    email = unique_email("forgiven")
    with tenant_context(fire):
        VerifiedUserFactory(email=email)
    free = settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT
    for _ in range(free - 1):
        assert login(api(fire, own_address=True), email, WRONG).status_code == 401
    assert login(api(fire, own_address=True), email, PASSWORD).status_code == 200
    for _ in range(free):
        assert login(api(fire, own_address=True), email, WRONG).status_code == 401


def test_one_client_guessing_many_accounts_is_locked(fire, settings):
    client = api(fire, own_address=True)
    with tenant_context(fire):
        user = VerifiedUserFactory(email=unique_email("bystander"))
    for n in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_CLIENT + 1):
        response = login(client, unique_email(f"guess{n}"), WRONG)
        assert response.status_code == 401, (n, response.content)
    assert_locked(login(client, unique_email("next"), WRONG))
    assert_locked(login(client, user.email, PASSWORD))
    # The account itself is not locked: its owner logs in from elsewhere.
    assert login(api(fire, own_address=True), user.email, PASSWORD).status_code == 200


def test_web_and_api_failures_share_one_limit(fire, settings):
    email = unique_email("web")
    with tenant_context(fire):
        VerifiedUserFactory(email=email)
    for _ in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT + 1):
        page = api(fire, own_address=True).post_form(
            "/accounts/login/", {"login": email, "password": WRONG}
        )
        assert page.status_code == 200  # the form again, with an error
    assert_locked(login(api(fire, own_address=True), email, PASSWORD))

    browser = api(fire, own_address=True)
    page = browser.post_form("/accounts/login/", {"login": email, "password": PASSWORD})
    assert page.status_code == 200
    assert b"Too many failed login attempts" in page.content
    assert browser.get("/api/v1/me/").status_code in (401, 403)


def test_a_lock_on_one_marketplace_leaves_the_same_email_on_another_alone(fire, talent, settings):
    email = unique_email("twin")
    for marketplace in (fire, talent):
        with tenant_context(marketplace):
            VerifiedUserFactory(email=email)
    for _ in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT + 1):
        assert login(api(fire, own_address=True), email, WRONG).status_code == 401
    assert_locked(login(api(fire, own_address=True), email, PASSWORD))

    assert login(api(talent, own_address=True), email, PASSWORD).status_code == 200


def test_reset_and_magic_link_mails_are_capped_per_address(fire, sent, settings):
    known = unique_email("known")
    with tenant_context(fire):
        VerifiedUserFactory(email=known)
    settings.SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR = cap = 3  # the default

    for path in ("/api/v1/auth/password/reset/", "/api/v1/auth/magic-link/"):
        for address in (known, unique_email("unknown")):
            mail.outbox.clear()
            for _ in range(cap + 2):
                with sent():
                    response = api(fire, own_address=True).post(path, {"email": address})
                # The same answer past the cap: it tells nobody whether mail went out.
                assert response.status_code == 202
            assert len(mail.outbox) == cap, (path, address, [m.subject for m in mail.outbox])


def test_mail_requests_are_limited_per_client(fire, settings):
    client = api(fire, own_address=True)
    for n in range(settings.SOUK_AUTH_MAILS_PER_CLIENT_PER_HOUR):
        path = "/api/v1/auth/password/reset/" if n % 2 else "/api/v1/auth/magic-link/"
        assert client.post(path, {"email": unique_email("many")}).status_code == 202
    for path, body in (
        ("/api/v1/auth/password/reset/", {"email": unique_email("more")}),
        ("/api/v1/auth/magic-link/", {"email": unique_email("more")}),
        ("/api/v1/auth/signup/", {"email": unique_email("more"), "password": "saffron-lantern-87"}),
    ):
        response = client.post(path, body)
        assert response.status_code == 429, (path, response.content)
        assert response.json()["error"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= 3600
    assert (
        api(fire, own_address=True)
        .post("/api/v1/auth/magic-link/", {"email": "x@example.com"})
        .status_code
        == 202
    )


def test_the_admins_log_in_page_is_held_by_the_same_lock(fire, settings):
    email = unique_email("staff")
    with tenant_context(fire):
        VerifiedUserFactory(email=email, role="staff", is_staff=True, is_superuser=True)
    for _ in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT + 1):
        page = api(fire, own_address=True).post_form(
            "/admin/login/", {"username": email, "password": WRONG}
        )
        assert page.status_code == 200  # the form again
    assert_locked(
        login(api(fire, own_address=True), email, PASSWORD)
    )  # counted like any other guess

    browser = api(fire, own_address=True)
    page = browser.post_form("/admin/login/", {"username": email, "password": PASSWORD})
    assert page.status_code == 200
    assert browser.get("/admin/").status_code == 302  # still to the log-in page
