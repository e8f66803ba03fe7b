"""What the schemathesis test runs against: the five demo marketplaces, committed, behind a real
server process configured for production, with a token per role; and a clean-up that leaves the
test database as it found it.

The marketplaces are the demo's own (demo/*.json: providers, listings, packages, tiers,
hours, photos, bookings), under their own slugs and domains, so the generated requests meet
real rows. The server is gunicorn with DJANGO_DEBUG=0 (Django's debug pages are HTML, and a
production client never sees them), tasks run in the request (no worker is needed to answer).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.support.production import ROOT, database_url

PREFIX = "contract"
OPERATOR_HOST = f"{PREFIX}-ops.localhost"
OPERATOR_EMAIL = f"{PREFIX}-operator@souk.test"
SERVER_START_SECONDS = 60


@dataclass(frozen=True)
class Identity:
    name: str  # anonymous, customer, provider, staff
    token: str | None


@dataclass(frozen=True)
class Host:
    preset: str  # "operator" for the operator host
    domain: str
    identities: tuple[Identity, ...]


def fleet_provision() -> list[Host]:
    """The five demo marketplaces under ``contract-`` names, and an operator with a token.
    Marketplaces an interrupted run left behind are purged first: their files are gone."""
    from accounts.models import User
    from accounts.services import token_create, user_create
    from demo.marketplaces import demo_marketplace_provision, demo_marketplaces

    fleet_remove()
    hosts = []
    for demo in demo_marketplaces():
        slug = f"{PREFIX}-{demo.slug}"
        connection.set_schema_to_public()
        copy = dataclasses.replace(demo, slug=slug, domain=f"{PREFIX}-{demo.slug}.localhost")
        marketplace = demo_marketplace_provision(demo=copy, actor="contract test").marketplace
        connection.set_tenant(marketplace)
        people = {
            "customer": demo.customers[0].email,
            "provider": demo.providers[0].email,
            "staff": demo.owner_email,
        }
        identities = [Identity("anonymous", None)]
        for role, email in people.items():
            user = User.objects.get(email__iexact=email)
            identities.append(Identity(role, token_create(user=user, name="schemathesis").key))
        hosts.append(Host(demo.preset, marketplace.get_primary_domain().domain, tuple(identities)))
    connection.set_schema_to_public()
    operator = User.objects.filter(email=OPERATOR_EMAIL).first() or user_create(
        email=OPERATOR_EMAIL,
        password=None,
        role=User.Role.STAFF,
        is_superuser=True,
        email_verified=True,
    )
    staff = Identity("staff", token_create(user=operator, name="schemathesis").key)
    hosts.append(Host("operator", OPERATOR_HOST, (Identity("anonymous", None), staff)))
    return hosts


@dataclass(frozen=True)
class FleetState:
    statuses: dict[str, str]  # slug -> status, for every marketplace before the run


def fleet_state() -> FleetState:
    from tenants.models import Marketplace

    connection.set_schema_to_public()
    return FleetState(dict(Marketplace.objects.values_list("slug", "status")))


def fleet_restore(before: FleetState) -> list[str]:
    """Undo what the operator run did to marketplaces that existed before it (restore the
    deleted, resume the suspended) and purge the ones it created. Returns what it changed."""
    from tenants.models import Marketplace
    from tenants.services.lifecycle import (
        SystemActor,
        marketplace_delete,
        marketplace_purge,
        marketplace_restore,
        marketplace_resume,
        marketplace_suspend,
    )

    actor = SystemActor("contract test")
    changed = []
    connection.set_schema_to_public()
    for marketplace in Marketplace.objects.order_by("pk"):
        was = before.statuses.get(marketplace.slug)
        if was is None:
            if marketplace.status != Marketplace.Status.DELETED:
                marketplace = marketplace_delete(marketplace=marketplace, actor=actor)
            marketplace_purge(marketplace=marketplace, actor=actor, ignore_grace_period=True)
            changed.append(f"purged {marketplace.slug}")
            continue
        if marketplace.status == was:
            continue
        if marketplace.status == Marketplace.Status.DELETED:
            marketplace = marketplace_restore(marketplace=marketplace, actor=actor)
        if marketplace.status != was and was == Marketplace.Status.ACTIVE:
            marketplace = marketplace_resume(marketplace=marketplace)
        elif marketplace.status != was and was == Marketplace.Status.SUSPENDED:
            marketplace = marketplace_suspend(marketplace=marketplace)
        changed.append(f"{marketplace.slug}: back to {marketplace.status}")
    return changed


def fleet_remove() -> None:
    """Purge the contract marketplaces and revoke the operator's tokens (the operator stays: a
    public-schema user cannot be deleted with the ORM, which would look for its rows in
    tenant-only tables)."""
    from accounts.models import ApiToken, User
    from tenants.models import Marketplace
    from tenants.services.lifecycle import SystemActor, marketplace_delete, marketplace_purge

    actor = SystemActor("contract test")
    connection.set_schema_to_public()
    for marketplace in Marketplace.objects.filter(slug__startswith=f"{PREFIX}-"):
        if marketplace.status != Marketplace.Status.DELETED:
            marketplace = marketplace_delete(marketplace=marketplace, actor=actor)
        marketplace_purge(marketplace=marketplace, actor=actor, ignore_grace_period=True)
    ApiToken.objects.filter(user__in=User.objects.filter(email=OPERATOR_EMAIL)).delete()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment() -> dict[str, str]:
    """Production settings (DEBUG off) over plain http on 127.0.0.1, on the test database."""
    environ = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            # The tokens were minted by this process: the server must hash them the same way.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "SOUK_URL_SCHEME": "http",
            "SOUK_OPERATOR_HOSTS": OPERATOR_HOST,
            "SOUK_SPARE_SCHEMAS": "0",
            "SOUK_SPARE_SCHEMAS_MAX": "0",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_KEY_PREFIX": f"{settings.CACHES['default']['KEY_PREFIX']}_{PREFIX}",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SOUK_PRIVATE_MEDIA_ROOT": str(settings.SOUK_PRIVATE_MEDIA_ROOT),
            "LOG_LEVEL": "ERROR",
            "GUNICORN_LOG_LEVEL": "warning",
            # The same code for the whole run: no worker is recycled (and re-imports).
            "GUNICORN_MAX_REQUESTS": "0",
        }
    )
    return environ


@contextlib.contextmanager
def api_server(
    log: Path,
    *,
    workers: int = 3,
    port: int | None = None,
    environment: dict[str, str] | None = None,
    asgi: bool = False,
) -> Iterator[str]:
    """A gunicorn process serving the test database; yields its base URL. ``environment``
    adds to or replaces ``server_environment()``'s variables (the browser tests' site).
    ``asgi``: uvicorn serving config.asgi instead, pages and websockets on one address, as
    ``make demo`` serves them (platform/Procfile.demo's ``web``)."""
    port = port or free_port()
    if asgi:
        command = ["uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                   "--port", str(port), "--workers", str(workers), "--no-access-log",
                   "--timeout-graceful-shutdown", "5"]  # fmt: skip
    else:
        command = ["gunicorn", "config.wsgi", "-c", "platform/gunicorn.conf.py",
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                   "--access-logfile", "/dev/null"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env={**server_environment(), **(environment or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_serving(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    request = urllib.request.Request(f"{base}/api/v1/schema/", headers={"Host": OPERATOR_HOST})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited: {log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=5) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"The server did not answer in {SERVER_START_SECONDS} s: {log.read_text()}")
