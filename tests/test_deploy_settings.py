"""Production defaults: what a process started with README's production environment does.

Each test starts a process of its own (tests/support/production.py), because settings are
read when the process starts.
"""

import pytest

from tests.support.production import production_environment, request_in_process, run_python

# Each test starts a Python process of its own: left out of `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_check_deploy_reports_nothing_with_the_documented_production_environment():
    environ = production_environment(
        SOUK_TRUSTED_PROXY_COUNT="1", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    )

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environ)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr


@pytest.mark.parametrize("operator_hosts", [None, "", " , "], ids=["unset", "empty", "blank"])
def test_outside_debug_a_missing_operator_hosts_stops_the_start_naming_the_variable(
    operator_hosts,
):
    environ = production_environment(SOUK_OPERATOR_HOSTS=operator_hosts)

    result = run_python(["manage.py", "check"], environ)

    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "SOUK_OPERATOR_HOSTS" in result.stderr


def test_in_debug_the_operator_hosts_keep_their_development_default():
    environ = production_environment(DJANGO_DEBUG="1", SOUK_OPERATOR_HOSTS=None)

    result, answers = request_in_process(
        environ, [("localhost", "/api/v1/operator/marketplaces/", False, {})]
    )

    assert result.returncode == 0, result.stderr
    (console,) = answers
    assert console["status"] in (401, 403), console


def test_production_answers_only_over_https_with_strict_headers_and_secure_cookies():
    result, answers = request_in_process(
        production_environment(),
        [
            ("ops.example.com", "/admin/login/", False, {}),
            ("ops.example.com", "/admin/login/", True, {}),
            ("ops.example.com", "/api/v1/operator/marketplaces/", True, {}),
        ],
    )
    assert result.returncode == 0, result.stderr
    plain, admin_login, api = answers

    assert plain["status"] == 301
    assert plain["headers"]["Location"] == "https://ops.example.com/admin/login/"

    assert admin_login["status"] == 200
    headers = admin_login["headers"]
    # Marketplaces own their domains: no includeSubDomains or preload by default.
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    csrf_cookie = admin_login["cookies"]["csrftoken"]
    assert csrf_cookie["secure"] is True
    assert csrf_cookie["samesite"] == "Lax"

    assert api["status"] in (401, 403)
    assert "Content-Security-Policy" in api["headers"]


def test_session_cookies_are_secure_http_only_and_same_site_lax():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE]))"
    )

    result = run_python(["-c", script], production_environment())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[true, true, "Lax", true, "Lax"]'


@pytest.mark.parametrize(
    ("proxy_count", "expected_status"),
    [("0", 301), ("1", 200)],
    ids=["no-proxy-forged-header-ignored", "behind-a-proxy"],
)
def test_the_forwarded_scheme_is_trusted_only_behind_a_configured_proxy(
    proxy_count, expected_status
):
    environ = production_environment(SOUK_TRUSTED_PROXY_COUNT=proxy_count)

    result, answers = request_in_process(
        environ,
        [("ops.example.com", "/admin/login/", False, {"X-Forwarded-Proto": "https"})],
    )

    assert result.returncode == 0, result.stderr
    (answer,) = answers
    assert answer["status"] == expected_status, answer
