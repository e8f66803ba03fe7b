"""The browser tests' harness: the system Chromium driven by Playwright, a live site, and what
every page is held to.

- **Chromium** is Debian's (``make test`` installs ``chromium`` and ``chromium-driver``);
  Playwright's own browser download does not work on these machines, so it is launched by its
  path. Host names are resolved by Chromium itself: ``*.localhost`` to this machine, every
  other name to nothing, so a request to another host fails at once instead of leaving it.
- **The live site** (``live_site``): the five demo marketplaces under ``browser-`` names,
  committed (the server is another process), served as ``make demo`` serves them: uvicorn
  with config.asgi, pages and their websockets on one address (tests/support/contract.py's
  ``api_server``), on the test database, configured as ``make demo``
  is (DJANGO_DEBUG=1: plain http on ``*.localhost``, uploaded photos served), a Celery worker on
  a queue of its own and the payment providers' sandboxes when asked for, and account mail
  written to files the test reads (``LiveSite.mail_link``). Purged afterwards.
- **The page guard** (``PageGuard``): every request a page makes is recorded; one to any host
  but the marketplace's own, a response of 400 or more, a failed request, a console error or
  an uncaught script error fails the test, naming the URL or the message.
- **Accessibility** (``assert_accessible``): axe-core from node_modules (``make`` runs npm ci),
  never from a CDN; a violation of impact serious or critical fails, naming rule and targets.
- **Screenshots** (``screenshots``): full-page PNGs at 390 and 1280 px wide in
  .local/artifacts/screenshots/<preset>-<page>-<width>.png.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import connection
from django.test import override_settings

from tests.support.contract import api_server, free_port, server_environment
from tests.support.production import ROOT
from tests.support.requirements import missing
from tests.support.worker import worker_start

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP * ~NOTFOUND"]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / ".local" / "artifacts" / "screenshots"
SCREENSHOT_WIDTHS = {390: 844, 1280: 800}  # width: height of the viewport
BLOCKING_IMPACTS = ("serious", "critical")
PREFIX = "browser"
MAIL_WAIT_SECONDS = 10


def chromium_executable() -> str:
    """Chromium's path; without it the tests skip, except under CI, where they fail."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    missing(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")


# --- the live site ----------------------------------------------------------------------------


@dataclass
class LiveSite:
    port: int
    domains: dict[str, str]  # preset -> domain
    mail_dir: Path
    sandboxes: dict[str, Any] = field(default_factory=dict)  # code -> running sandbox

    def netloc(self, preset: str) -> str:
        return f"{self.domains[preset]}:{self.port}"

    def url(self, preset: str, path: str = "/") -> str:
        return f"http://{self.netloc(preset)}{path}"

    def mail_link(self, to: str, pattern: str) -> str:
        """The first URL matching ``pattern`` in a mail to ``to``, waiting for it to arrive."""
        found = re.compile(rf"https?://\S*{pattern}\S*")
        deadline = time.monotonic() + MAIL_WAIT_SECONDS
        while time.monotonic() < deadline:
            for message in sorted(self.mail_dir.glob("*.log")):
                text = message.read_text(errors="replace")
                if f"To: {to}" in text and (match := found.search(text)):
                    return match.group(0)
            time.sleep(0.1)
        raise AssertionError(f"No mail to {to} with a link like {pattern!r} in {self.mail_dir}")


def site_provision() -> dict[str, str]:
    """The demo marketplaces (demo/*.json, photos included) under ``browser-`` slugs and
    domains, committed; returns preset -> domain. Leftovers of an interrupted run go first."""
    from demo.marketplaces import demo_marketplace_provision, demo_marketplaces

    site_remove()
    domains = {}
    for demo in demo_marketplaces():
        copy = dataclasses.replace(
            demo, slug=f"{PREFIX}-{demo.slug}", domain=f"{PREFIX}-{demo.slug}.localhost"
        )
        connection.set_schema_to_public()
        demo_marketplace_provision(demo=copy, actor="browser tests")
        domains[demo.preset] = copy.domain
    connection.set_schema_to_public()
    return domains


def site_remove() -> None:
    from tenants.models import Marketplace
    from tenants.services.lifecycle import SystemActor, marketplace_delete, marketplace_purge

    actor = SystemActor("browser tests")
    connection.set_schema_to_public()
    for marketplace in Marketplace.objects.filter(slug__startswith=f"{PREFIX}-"):
        if marketplace.status != Marketplace.Status.DELETED:
            marketplace = marketplace_delete(marketplace=marketplace, actor=actor)
        marketplace_purge(marketplace=marketplace, actor=actor, ignore_grace_period=True)


@contextlib.contextmanager
def live_site(*, worker: bool = False, sandboxes: bool = False) -> Iterator[LiveSite]:
    """The site, up for the ``with`` block. Needs the database unblocked (a module fixture:
    ``django_db_blocker.unblock()``). ``worker``: tasks run in a Celery worker process instead
    of in the request; ``sandboxes``: the FIB, FastPay, NassWallet, areeba and Stripe sandboxes,
    which the marketplaces pay through as the demo's do (without them: no payment provider)."""
    from tests.support.iraqi import start_areeba, start_nasswallet
    from tests.support.sandboxes import start_fastpay, start_fib
    from tests.support.stripe_sandbox import RunningStripe

    # pytest-django makes the test database only for tests that ask for it: never point the
    # server at a development database.
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict
    # Not under pytest's basetemp: another pytest session on this machine prunes old ones.
    files = Path(tempfile.mkdtemp(prefix="souk-browser-"))
    mail_dir = files / "mail"
    mail_dir.mkdir()
    running: dict[str, Any] = {}
    if sandboxes:
        running = {"fib": start_fib(), "fastpay": start_fastpay(), "stripe": RunningStripe(),
                   "nasswallet": start_nasswallet(), "areeba": start_areeba()}  # fmt: skip
    port = free_port()
    queue = f"browser-{secrets.token_hex(4)}"
    environment = {
        "DJANGO_DEBUG": "1",
        "SOUK_URL_PORT": str(port),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        # Counters (sign-up and mail limits per client) of this run only: every browser is
        # 127.0.0.1, and Redis outlives runs.
        "CACHE_KEY_PREFIX": f"souk_{PREFIX}_{secrets.token_hex(4)}",
        **({"CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": queue} if worker else {}),
        **{f"SOUK_SANDBOX_{code.upper()}_URL": box.url for code, box in running.items()},
    }
    overrides: dict[str, Any] = {
        # Links made while provisioning (Stripe's webhook endpoints) name the server's port.
        "SOUK_URL_PORT": str(port),
        "MEDIA_ROOT": str(files / "public"),
        # django-tenants caches MEDIA_ROOT with the schema pattern; setting it clears that.
        "MULTITENANT_RELATIVE_MEDIA_ROOT": "%s",
        "SOUK_PRIVATE_MEDIA_ROOT": files / "private",
    }
    # Without sandboxes the marketplaces take no payments (and provisioning calls no provider).
    overrides["SOUK_SANDBOX_URLS"] = {code: box.url for code, box in running.items()}
    process = None
    try:
        # The server's and the worker's files are the ones set here (server_environment()).
        with override_settings(**overrides):
            try:
                domains = site_provision()
                if worker:
                    process = worker_start(queue, {**server_environment(), **environment})
                with api_server(
                    files / "server.log", port=port, environment=environment, asgi=True, workers=3
                ):
                    yield LiveSite(port, domains, mail_dir, dict(running))
            finally:
                if process is not None:
                    process.terminate()
                    process.wait(timeout=20)
                site_remove()
    finally:
        for box in running.values():
            box.stop()
        shutil.rmtree(files, ignore_errors=True)


def page_fetch(page, path: str, *, method: str = "GET", body: dict | None = None) -> tuple:
    """(status, JSON or text) of a same-origin request made by the page, with its cookies.
    (Playwright's own ``page.request`` resolves host names by the system, which knows no
    ``*.localhost`` here.)"""
    return page.evaluate(
        """async ([path, method, body]) => {
            const options = {method, headers: {"Accept": "application/json"}};
            if (body !== null) {
                options.body = JSON.stringify(body);
                options.headers["Content-Type"] = "application/json";
            }
            const answer = await fetch(path, options);
            const text = await answer.text();
            try {
                return [answer.status, JSON.parse(text)];
            } catch {
                return [answer.status, text];
            }
        }""",
        [path, method, body],
    )


# --- what every page is held to --------------------------------------------------------------


class PageGuard:
    """Records what a page does; ``assert_clean()`` fails on anything listed in the module."""

    def __init__(self, page, netloc: str) -> None:
        self.netloc = netloc
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.expected: set[tuple[str, int]] = set()
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("requestfailed", self._failed)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _request(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        self.requests.append(request.url)
        if url.netloc != self.netloc:
            self.problems.append(f"request to another host: {request.method} {request.url}")

    def expect(self, path: str, status: int) -> None:
        """A test asks for ``path`` knowing it answers ``status`` (a 401 before a log-in)."""
        self.expected.add((f"http://{self.netloc}{path}", status))

    def _response(self, response) -> None:
        if response.status >= 400 and (response.url, response.status) not in self.expected:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")

    def _failed(self, request) -> None:
        failure = request.failure or ""
        # A request cut short because the page went on (a form posted, a link followed).
        if failure == "net::ERR_ABORTED" and urlsplit(request.url).netloc == self.netloc:
            return
        self.problems.append(f"failed request: {request.url} ({failure})")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if any(
            where == url and f"status of {status}" in message.text for url, status in self.expected
        ):
            return
        self.problems.append(f"console error: {message.text} ({where})")

    def assert_clean(self) -> None:
        assert not self.problems, "The page misbehaved:\n" + "\n".join(self.problems)


def axe_violations(page) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the site's Content-Security-Policy (scripts
        # from its own origin only) stays on for the page, as visitors have it.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [found for found in results["violations"] if found["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page) -> None:
    found = axe_violations(page)
    lines = [
        f"{item['id']} ({item['impact']}): {item['help']}: "
        + ", ".join(" ".join(node["target"]) for node in item["nodes"])
        for item in found
    ]
    assert not found, f"axe-core on {page.url}:\n" + "\n".join(lines)


def screenshots(page, preset: str, name: str) -> list[Path]:
    """Full-page PNGs of the page at each width in SCREENSHOT_WIDTHS; the viewport is put back."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    saved = []
    for width, height in SCREENSHOT_WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        path = SCREENSHOTS / f"{preset}-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    if before:
        page.set_viewport_size(before)
    return saved
