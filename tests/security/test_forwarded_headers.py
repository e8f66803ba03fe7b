"""X-Forwarded-* headers are believed only as far as the configured proxies of ours reach.

A client that forges X-Forwarded-For must stay one client for every limit; with trusted
proxies configured, the address our outermost proxy saw is the client.
"""

import secrets

from django_tenants.utils import tenant_context

from tests.support.client import api, fresh_address
from tests.support.factories.accounts import VerifiedUserFactory


def login(client, email, **headers):
    return client.post(
        "/api/v1/auth/login/",
        {"email": email, "password": "not-the-password-1"},
        content_type="application/json",
        **headers,
    )


def test_forged_forwarded_for_does_not_escape_the_login_throttle(fire):
    client = api(fire, own_address=True)
    statuses = []
    for n in range(40):
        response = login(
            client,
            f"guess{n}-{secrets.token_hex(3)}@example.com",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert len(statuses) < 40
    body = response.json()
    assert body["error"] in {"login_locked", "throttled"}
    assert set(body) == {"error", "message", "details"}
    assert int(response["Retry-After"]) > 0


def test_web_login_ignores_forged_forwarded_for(fire, settings):
    client = api(fire, own_address=True)
    email = f"web-{secrets.token_hex(4)}@example.com"
    with tenant_context(fire):
        VerifiedUserFactory(email=email)
    for n in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_CLIENT + 1):
        page = client.post_form(
            "/accounts/login/",
            {"login": f"w{n}-{secrets.token_hex(3)}@example.com", "password": "wrong-wrong-1"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        assert page.status_code == 200
        assert b"Too many failed login attempts" not in page.content, n
    page = client.post_form(
        "/accounts/login/",
        {"login": email, "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.250",
    )
    assert b"Too many failed login attempts" in page.content


def test_with_a_trusted_proxy_the_address_it_saw_is_the_client(fire, settings):
    settings.SOUK_TRUSTED_PROXY_COUNT = 1
    proxy = api(fire, own_address=True)  # every request comes from our load balancer's address
    seen = fresh_address()
    for n in range(settings.SOUK_LOGIN_FREE_FAILURES_PER_CLIENT + 1):
        response = login(
            proxy,
            f"p{n}-{secrets.token_hex(3)}@example.com",
            # The client forges the left part; our proxy appends the address it saw.
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {seen}",
        )
        assert response.status_code == 401, (n, response.content)
    locked = login(proxy, "any@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.99, {seen}")
    assert locked.status_code == 429
    # Another client behind the same proxy is not held back.
    other = fresh_address()
    assert login(proxy, "any@example.com", HTTP_X_FORWARDED_FOR=other).status_code == 401


def test_forwarded_host_and_proto_are_not_believed(fire, talent):
    response = api(fire).get(
        "/api/v1/marketplace/",
        HTTP_X_FORWARDED_HOST=talent.get_primary_domain().domain,
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert response.status_code == 200
    assert response.json()["marketplace"]["slug"] == fire.slug
    request = response.wsgi_request
    assert not request.is_secure()
    assert request.get_host() == fire.get_primary_domain().domain
