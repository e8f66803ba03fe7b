"""Realtime tests against a real ASGI server: uvicorn (``config.asgi``, HTTP and websockets)
in a subprocess on a free port, on the test database and the test run's Redis keys, with two
marketplaces of its own, committed (the server is another process) and purged afterwards.

Clients are real: ``websockets``' sync client for sockets, urllib for HTTP. Python does not
resolve ``*.localhost`` here, so both connect to 127.0.0.1 and send the marketplace's host
name in the Host header (the socket URL carries it; the TCP connection is made beforehand).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.support.contract import free_port
from tests.support.factories.accounts import (
    ProviderUserFactory,
    VerifiedUserFactory,
    api_token_for,
    unique_email,
)
from tests.support.factories.catalog import ProviderProfileFactory
from tests.support.production import ROOT, database_url

PREFIX = "live"
GRACE_SECONDS = 1.5
START_SECONDS = 60
FRAME_SECONDS = 10


@dataclass
class LiveServer:
    port: int

    def http(
        self,
        host: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        cookie: str | None = None,
        body=None,
    ) -> tuple[int, Any]:
        """A request to the server; ``cookie``: as a browser holding that session would send
        it (with a CSRF cookie and the matching header)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method
        )
        request.add_header("Host", host)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if cookie:
            csrf = secrets.token_hex(16)
            request.add_header("Cookie", f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}")
            request.add_header("X-CSRFToken", csrf)
        try:
            with urllib.request.urlopen(request, timeout=FRAME_SECONDS) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def socket(
        self,
        host: str,
        *,
        origin: str | None = "",
        cookie: str | None = None,
        path: str = "/ws/live/",
        **query: str,
    ) -> Socket:
        """A websocket to ``path`` of ``host``; ``origin`` "" is the host's own, None sends
        none."""
        headers = {}
        if origin is not None:
            headers["Origin"] = origin or f"http://{host}"
        if cookie:
            headers["Cookie"] = cookie
        suffix = f"?{urlencode(query)}" if query else ""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=FRAME_SECONDS)
        # Blocking before websockets' reading thread starts: a timeout left on a socket passed
        # in kills a socket quiet for that long, and changing it once the thread reads races
        # with it (the thread sees "blocking" while the descriptor is still non-blocking, and
        # recv() fails with EAGAIN). The handshake is bounded by open_timeout, reads by recv().
        sock.settimeout(None)
        connection = connect(
            f"ws://{host}:{self.port}{path}{suffix}",
            sock=sock,
            additional_headers=headers,
            open_timeout=FRAME_SECONDS,
        )
        return Socket(connection)


class Socket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    def frame(self) -> dict:
        return json.loads(self.connection.recv(timeout=FRAME_SECONDS))

    def frame_of(self, kind: str) -> dict:
        """The next frame, which must be of type ``kind``."""
        frame = self.frame()
        assert frame["type"] == kind, frame
        return frame

    def until(self, kind: str, matches: Callable[[dict], bool] = lambda frame: True) -> dict:
        """Read frames until one of type ``kind`` that ``matches`` comes."""
        deadline = time.monotonic() + FRAME_SECONDS
        while time.monotonic() < deadline:
            frame = self.frame()
            if frame["type"] == kind and matches(frame):
                return frame
        raise AssertionError(f"no {kind} frame")

    def send(self, **frame: Any) -> None:
        self.connection.send(json.dumps(frame))

    def ask(self, *, ref: str | None = None, **frame: Any) -> dict:
        """Send a frame with a ref (a fresh one unless given) and return the server's answer to
        it (ok or error), skipping events that come before it."""
        ref = ref or secrets.token_hex(4)
        self.send(ref=ref, **frame)
        deadline = time.monotonic() + FRAME_SECONDS
        while time.monotonic() < deadline:
            frame = self.frame()
            if frame["type"] in ("ok", "error") and frame.get("ref") == ref:
                return frame
        raise AssertionError("no answer")

    def close_code(self) -> int | None:
        """The close code of a socket the server closes (reading until it does)."""
        try:
            while True:
                self.connection.recv(timeout=FRAME_SECONDS)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    def close(self) -> None:
        self.connection.close()


@dataclass
class Member:
    """A user of a live marketplace, with an API token and a web session cookie."""

    marketplace: Any
    host: str
    user: Any
    token: str
    cookie: str
    profile: Any = None


def member_make(marketplace, *, provider: bool = False) -> Member:
    """A committed user of ``marketplace`` (a provider with a profile if ``provider``)."""
    factory = ProviderUserFactory if provider else VerifiedUserFactory
    with tenant_context(marketplace):
        user = factory(email=unique_email("live"))
        profile = ProviderProfileFactory(user=user) if provider else None
        token = api_token_for(user)
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        cookie = f"{name}={client.cookies[name].value}"
    connection.set_schema_to_public()
    host = marketplace.get_primary_domain().domain
    return Member(marketplace, host, user, token, cookie, profile)


def live_marketplaces_remove() -> None:
    from tenants.models import Marketplace
    from tenants.services.lifecycle import SystemActor, marketplace_delete, marketplace_purge

    actor = SystemActor("live tests")
    connection.set_schema_to_public()
    for marketplace in Marketplace.objects.filter(slug__startswith=f"{PREFIX}-"):
        if marketplace.status != Marketplace.Status.DELETED:
            marketplace = marketplace_delete(marketplace=marketplace, actor=actor)
        marketplace_purge(marketplace=marketplace, actor=actor, ignore_grace_period=True)


@contextlib.contextmanager
def live_marketplaces_made() -> Iterator[dict[str, Any]]:
    from tenants.services import marketplace_create

    live_marketplaces_remove()
    # Fresh slugs (so schemas) each run: Redis outlives the marketplaces, and a new user 1 of
    # a reused schema would inherit the last run's rate-limit counters and event streams.
    run = secrets.token_hex(3)
    made = {}
    for name, preset in (("a", "fire-performers"), ("b", "talent-iq")):
        connection.set_schema_to_public()
        made[name] = marketplace_create(
            preset=preset,
            name=f"Live {name}",
            slug=f"{PREFIX}-{run}-{name}",
            domain=f"{PREFIX}-{run}-{name}.localhost",
            owner_email="owner@example.com",
        )
    connection.set_schema_to_public()
    try:
        yield made
    finally:
        live_marketplaces_remove()


def server_environment() -> dict[str, str]:
    environ = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            # Sessions and tokens made here must be read the same way there.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "SOUK_URL_SCHEME": "http",
            "SOUK_SPARE_SCHEMAS": "0",
            "SOUK_SPARE_SCHEMAS_MAX": "0",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            # The same keys and channel groups as this process: its writes wake those sockets.
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SOUK_PRIVATE_MEDIA_ROOT": str(settings.SOUK_PRIVATE_MEDIA_ROOT),
            "SOUK_PRESENCE_GRACE_SECONDS": str(GRACE_SECONDS),
            "LOG_LEVEL": "WARNING",
        }
    )
    return environ


@contextlib.contextmanager
def live_server_run(log: Path, *, probe_host: str) -> Iterator[LiveServer]:
    """uvicorn serving ``config.asgi`` as platform/Procfile's ``ws`` process does."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets",
                "--no-access-log",
                "--timeout-graceful-shutdown",
                "5",
                "--ws-per-message-deflate",
                "false",
            ],
            cwd=ROOT,
            env=server_environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        server = LiveServer(port)
        try:
            _wait_until_serving(server, process, log, probe_host)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a socket or a timer that would not let go
                process.kill()
                process.wait()


def _wait_until_serving(server, process, log: Path, host: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited: {log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            if server.http(host, "GET", "/api/v1/marketplace/")[0] == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"The server did not answer in {START_SECONDS} s: {log.read_text()}")


def poll(check: Callable[[], Any], *, seconds: float = FRAME_SECONDS) -> Any:
    """``check()``'s first truthy answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="session")
def live_marketplaces(django_db_setup, django_db_blocker, _settings_for_tests):
    with django_db_blocker.unblock(), live_marketplaces_made() as made:
        yield made


@pytest.fixture(scope="session")
def asgi_server(live_marketplaces, tmp_path_factory):
    host = live_marketplaces["a"].get_primary_domain().domain
    log = tmp_path_factory.mktemp("live") / "uvicorn.log"
    with live_server_run(log, probe_host=host) as server:
        yield server


@pytest.fixture(scope="session")
def second_asgi_server(live_marketplaces, tmp_path_factory):
    """Another ws process beside ``asgi_server``: they share only PostgreSQL and Redis."""
    host = live_marketplaces["a"].get_primary_domain().domain
    log = tmp_path_factory.mktemp("live-second") / "uvicorn.log"
    with live_server_run(log, probe_host=host) as server:
        yield server


class Cast:
    """Users made (committed) before a module's tests start: each test's own database
    transaction would hide its writes from the server. ``take(site, provider=False)`` hands
    out a fresh one."""

    def __init__(self, marketplaces, *, per_kind: int) -> None:
        self.waiting: dict[tuple[str, bool], list[Member]] = {
            (site, provider): [member_make(marketplace, provider=provider) for _ in range(per_kind)]
            for site, marketplace in marketplaces.items()
            for provider in (False, True)
        }

    def take(self, site: str, *, provider: bool = False) -> Member:
        return self.waiting[(site, provider)].pop()


@pytest.fixture(scope="module")
def live_cast(live_marketplaces, django_db_blocker, request):
    with django_db_blocker.unblock():
        made = Cast(live_marketplaces, per_kind=getattr(request.module, "CAST_SIZE", 4))
        connection.set_schema_to_public()
    return made


def thread_start(server: LiveServer, customer: Member, provider: Member) -> int:
    """An inquiry thread of ``customer`` with ``provider``, started through the API."""
    status, body = server.http(
        customer.host,
        "POST",
        "/api/v1/threads/",
        token=customer.token,
        body={"provider_id": provider.profile.pk, "body": "Hello"},
    )
    assert status == 201, body
    return body["thread"]["id"]
