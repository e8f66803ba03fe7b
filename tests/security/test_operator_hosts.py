"""The operator side (console, operator API) is reached only through the operator hosts.

In development `localhost` is an operator host; on a production server a request that says
`Host: localhost` (anyone can send it) must reach routing as an unknown host, never the
console that lists every marketplace. Each case runs in a process started with a production
environment (tests/support/production.py): settings are read at start.
"""

import pytest

from tests.support.production import production_environment, request_in_process

pytestmark = pytest.mark.django_db

DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1", "souk.localhost", "www.localhost")
OPERATOR_PATHS = ("/", "/api/v1/operator/marketplaces/", "/admin/login/")


def _requests(hosts):
    return [(host, path, True, {}) for host in hosts for path in OPERATOR_PATHS]


def test_development_hosts_reach_routing_as_unknown_hosts_in_production():
    result, answers = request_in_process(
        production_environment(), _requests([*DEVELOPMENT_HOSTS, "ops.example.com"])
    )

    assert result.returncode == 0, result.stderr
    *development, (home, operator_api, admin_login) = [
        answers[i : i + len(OPERATOR_PATHS)] for i in range(0, len(answers), len(OPERATOR_PATHS))
    ]
    for host, per_path in zip(DEVELOPMENT_HOSTS, development, strict=True):
        for path, answer in zip(OPERATOR_PATHS, per_path, strict=True):
            assert answer["status"] == 404, (host, path, answer)
            if path.startswith("/api/"):
                assert '"error": "unknown_marketplace"' in answer["body"], (host, answer)
            else:
                assert "There is no marketplace here" in answer["body"], (host, path)
    # The configured operator host does serve the operator side.
    assert "There is no marketplace here" not in home["body"]
    assert operator_api["status"] in (401, 403), operator_api
    assert admin_login["status"] == 200, admin_login


def test_without_operator_hosts_no_production_process_serves_the_console_on_localhost():
    environ = production_environment(SOUK_OPERATOR_HOSTS=None)

    result, answers = request_in_process(environ, _requests(DEVELOPMENT_HOSTS))

    # The process refuses to start and says why, so no request is answered at all.
    assert answers == [], [(a["status"], a["body"][:200]) for a in answers]
    assert result.returncode != 0
    assert "SOUK_OPERATOR_HOSTS" in result.stderr
