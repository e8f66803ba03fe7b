"""A Django process configured the way README's "Production" section says, for tests.

Settings are read once, when config/settings.py is imported, so a production configuration is
only real in a process of its own: these helpers run one with a clean environment (nothing of
the test run's DJANGO_DEBUG=1 leaks in) against the test run's database and Redis.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 300

# Sends each (host, path, secure, headers) through Django's full handler, middleware included,
# and prints what came back as one JSON line.
_REQUESTS_SCRIPT = """
import json, sys
import django

django.setup()
from django.test import Client

answers = []
for host, path, secure, headers in json.loads(sys.argv[1]):
    response = Client().get(path, HTTP_HOST=host, secure=secure, headers=headers)
    answers.append({
        "status": response.status_code,
        "headers": dict(response.items()),
        "cookies": {name: dict(morsel.items()) for name, morsel in response.cookies.items()},
        "body": response.content.decode(errors="replace")[:4000],
    })
print(json.dumps(answers))
"""


def database_url() -> str:
    """The test run's database (pytest-django's, not the development one)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_environment(**overrides: str | None) -> dict[str, str]:
    """README's production environment; an override of None removes that variable."""
    environ = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "SOUK_OPERATOR_HOSTS": "ops.example.com",
            "SOUK_BASE_DOMAIN": "souk.example.com",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
            "DEFAULT_FROM_EMAIL": "Souk <no-reply@example.com>",
        }
    )
    for name, value in overrides.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return environ


def run_python(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def request_in_process(
    environ: dict[str, str], requests: list[tuple[str, str, bool, dict[str, str]]]
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """Answers to ``requests`` from a process started with ``environ`` ([] if it failed)."""
    result = run_python(["-c", _REQUESTS_SCRIPT, json.dumps(requests)], environ)
    if result.returncode != 0:
        return result, []
    return result, json.loads(result.stdout.strip().splitlines()[-1])
