"""The branded sites as visitors get them: Lighthouse scores and server time per page.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_web      # a database of your own
    make static                                             # hashed, compressed static files
    .venv/bin/python bench/web.py [--lighthouse-runs 1] [--requests 200] [--presets events,...]

Provisions (once; reused afterwards) the five demo marketplaces (demo/*.json, photos included)
under ``bench-web-`` slugs and domains, then starts production's web server: gunicorn with
platform/gunicorn.conf.py, DEBUG off, static files from collectstatic through WhiteNoise, and
the uploaded photos served beside the application as a web server or S3 would serve them in
production (bench/web_wsgi.py). For home, search, a provider's profile and a listing of every
preset:

- server time: ``--requests`` GETs over one keep-alive connection after a warm-up, each timed
  from sending the request to the first byte of the response (TTFB, local network: the time
  the server takes); p50 and p95 per page, and the p95 of all pages together;
- Lighthouse (node_modules/.bin/lighthouse, pinned in package.json) in its default mobile
  setting (simulated slow 4G and a 4x slower CPU) on the system Chromium (CHROME_PATH,
  /usr/bin/chromium by default), headless, with every host name but ``*.localhost`` resolving
  to nothing, so the pages cannot reach another host. Performance, accessibility and SEO
  scores; ``--lighthouse-runs`` above 1 keeps each page's median score. Audits that cost a
  score are named under the page's line.

Progress goes to stderr; the last line on stdout is the machine-readable result.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_environ, log, machine_line, setup_django  # noqa: E402
from bench.webhooks import GUNICORN_CONFIG, Process, free_port, wait_for_port  # noqa: E402

PREFIX = "bench-web"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "seo")
LIGHTHOUSE_ATTEMPTS = 3
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    '"--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP * ~NOTFOUND"'
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse-runs", type=int, default=1, help="per page (median)")
    parser.add_argument("--requests", type=int, default=200, help="timed GETs per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed GETs per page first")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--presets", default="", help="comma-separated; default: every preset")
    parser.add_argument("--no-lighthouse", action="store_true", help="server time only")
    return parser.parse_args()


@dataclass
class Page:
    preset: str
    name: str  # home, search, profile, listing
    host: str
    path: str
    ttfb_ms: list[float] = field(default_factory=list)
    scores: dict[str, list[int]] = field(default_factory=dict)
    costs: set[str] = field(default_factory=set)

    def score(self, category: str) -> int:
        values = self.scores.get(category) or [0]
        return int(statistics.median_low(values))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def ensure_marketplaces(presets: set[str]) -> dict[str, object]:
    """preset -> its bench marketplace, provisioned from the demo's data when missing."""
    from django.db import connection
    from django.test import override_settings

    from demo.marketplaces import demo_marketplace_provision, demo_marketplaces
    from tenants.models import Marketplace

    found = {}
    for demo in demo_marketplaces():
        if presets and demo.preset not in presets:
            continue
        slug = f"{PREFIX}-{demo.slug}"
        connection.set_schema_to_public()
        marketplace = Marketplace.objects.filter(slug=slug).first()
        if marketplace is None:
            log(f"provisioning {slug} from demo/{demo.preset}.json…")
            copy = dataclasses.replace(demo, slug=slug, domain=f"{slug}.localhost")
            # No payment provider: the pages measured take no payment.
            with override_settings(SOUK_SANDBOX_URLS={}):
                marketplace = demo_marketplace_provision(demo=copy, actor="bench").marketplace
        found[demo.preset] = marketplace
    connection.set_schema_to_public()
    return found


def pages_of(preset: str, marketplace) -> list[Page]:
    """Home, search, the first public profile with a photo and the first published listing
    with one (what a visitor opens from the home page)."""
    from django_tenants.utils import tenant_context

    from catalog.models import Listing, MediaItem, ProviderProfile

    host = marketplace.get_primary_domain().domain
    with tenant_context(marketplace):
        ready = MediaItem.objects.filter(status=MediaItem.Status.READY, is_primary=True)
        profile = (
            ProviderProfile.objects.filter(
                user__is_active=True, media__in=ready.filter(kind="image")
            )
            .order_by("pk")
            .first()
        ) or ProviderProfile.objects.filter(user__is_active=True).order_by("pk").first()
        listing = Listing.objects.filter(status=Listing.Status.PUBLISHED).order_by("pk").first()
    pages = [Page(preset, "home", host, "/"), Page(preset, "search", host, "/search/")]
    if profile is not None:
        pages.append(Page(preset, "profile", host, f"/providers/{profile.pk}/"))
    if listing is not None:
        pages.append(Page(preset, "listing", host, f"/listings/{listing.slug}/"))
    return pages


def get(connection: http.client.HTTPConnection, page: Page) -> tuple[int, float]:
    """(status, milliseconds to the first byte) of one GET; the body is read to the end."""
    started = time.perf_counter()
    connection.request(
        "GET",
        page.path,
        headers={"Host": page.host, "Accept-Encoding": "gzip", "Accept": "text/html"},
    )
    response = connection.getresponse()
    first_byte = time.perf_counter()
    response.read()
    return response.status, (first_byte - started) * 1000


def wait_until_serving(page: Page, port: int, seconds: float = 180) -> None:
    """Until the web workers answer (gunicorn listens before they have loaded the app)."""
    deadline = time.monotonic() + seconds
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
        try:
            get(connection, page)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
        finally:
            connection.close()


def measure_server_time(pages: list[Page], port: int, *, warmup: int, requests: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(warmup):
            for page in pages:
                status, _ms = get(connection, page)
                if status != 200:
                    raise SystemExit(f"bench: {page.host}{page.path} answered {status}")
        # Interleaved, so a burst of the machine's other work lands on every page alike.
        for _ in range(requests):
            for page in pages:
                page.ttfb_ms.append(get(connection, page)[1])
    finally:
        connection.close()


def lighthouse(page: Page, port: int, folder: Path) -> None:
    url = f"http://{page.host}:{port}{page.path}"
    report = folder / f"{page.preset}-{page.name}.json"
    environ = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        report.unlink(missing_ok=True)
        done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=240)
        result = json.loads(report.read_text()) if report.exists() else {}
        if done.returncode == 0 and result and not result.get("runtimeError"):
            break
        # Lighthouse's own trace recording fails now and then (NO_NAVSTART): the page is
        # measured again; a page that fails every time is scored 0.
        log(f"lighthouse failed on {url} (attempt {attempt}):\n{done.stderr[-2000:]}")
    else:
        # Scored 0, and the run goes on: one failed page must not cost the other figures.
        for category in CATEGORIES:
            page.scores.setdefault(category, []).append(0)
        page.costs.add("lighthouse-failed")
        return
    for category in CATEGORIES:
        entry = result["categories"][category]
        page.scores.setdefault(category, []).append(round((entry["score"] or 0) * 100))
        for ref in entry["auditRefs"]:
            audit = result["audits"].get(ref["id"], {})
            score = audit.get("score")
            weighted = ref.get("weight", 0) > 0
            if score is not None and score < 0.9 and (weighted or category == "performance"):
                shown = audit.get("displayValue") or ""
                page.costs.add(f"{ref['id']}{f' ({shown})' if shown else ''}")
    shutil.copyfile(report, folder / f"{page.preset}-{page.name}-last.json")


def main() -> None:
    args = parse_args()
    # Stopped with SIGTERM, the bench still stops its server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.no_lighthouse and not LIGHTHOUSE.exists():
        raise SystemExit(f"bench: {LIGHTHOUSE} is missing: run `npm ci` (make does)")
    setup_django()
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise SystemExit("bench: no static manifest: run `make static` (collectstatic) first")
    print(machine_line(), flush=True)
    presets = {name for name in args.presets.split(",") if name}
    marketplaces = ensure_marketplaces(presets)
    pages = [page for preset, market in marketplaces.items() for page in pages_of(preset, market)]

    port = free_port()
    environ = bench_environ()
    environ.update(
        SOUK_URL_PORT=str(port), SOUK_URL_SCHEME="http",
        SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0",
        GUNICORN_MAX_REQUESTS="0", GUNICORN_LOG_LEVEL="warning",
        WEB_CONCURRENCY=str(args.web_workers), MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )  # fmt: skip
    web = Process("web", [str(Path(sys.executable).parent / "gunicorn"),
                          "bench.web_wsgi:application", "--config", str(GUNICORN_CONFIG),
                          "--bind", f"127.0.0.1:{port}"], environ)  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="souk-bench-web-"))
    try:
        wait_for_port(web, port)
        wait_until_serving(pages[0], port)
        log(f"server time: {args.requests} GETs per page over {len(pages)} pages…")
        measure_server_time(pages, port, warmup=args.warmup, requests=args.requests)
        if not args.no_lighthouse:
            for run in range(args.lighthouse_runs):
                for page in pages:
                    log(f"lighthouse {run + 1}/{args.lighthouse_runs}: {page.preset} {page.name}")
                    lighthouse(page, port, folder)
    finally:
        web.stop()

    for page in pages:
        scores = " ".join(f"{category[:4]}={page.score(category)}" for category in CATEGORIES)
        p50, p95 = percentile(page.ttfb_ms, 50), percentile(page.ttfb_ms, 95)
        line = f"{page.preset:16} {page.name:8} {scores if page.scores else ''} "
        print(f"{line}ttfb_p50_ms={p50:.1f} ttfb_p95_ms={p95:.1f}  {page.path}")
        if page.costs:
            print(f"{'':26}costs: {', '.join(sorted(page.costs))}")
    if not args.no_lighthouse:
        log(f"Lighthouse reports (last run of each page): {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    everything = [ms for page in pages for ms in page.ttfb_ms]
    mins = {
        category: min(page.score(category) for page in pages) if not args.no_lighthouse else 0
        for category in CATEGORIES
    }
    print(
        f"web perf_min={mins['performance']} a11y_min={mins['accessibility']} "
        f"seo_min={mins['seo']} ttfb_p95_ms={percentile(everything, 95):.0f}"
    )


if __name__ == "__main__":
    main()
