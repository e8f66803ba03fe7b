"""Requests per second of GET /api/v1/marketplace/ with host routing vs with tenancy fixed.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_bench     # a database of your own
    .venv/bin/python bench/routing.py [--rounds 6] [--seconds 5] [--workers 2] [--same]

Two gunicorn servers with production's config (platform/gunicorn.conf.py) and the same worker
count run on free ports: "tenant" with config.settings (tenants.routing picks the marketplace
from the Host header) and "plain" with bench.settings_plain (one marketplace fixed per process).
A separate load process (wrk, or a Python one if wrk is missing) loads one server at a time
with the same concurrency; each round starts both anew, warms them, and runs them in turn,
the order alternating. Medians are reported, and the median of each round's paired ratio.
``--same`` runs config.settings on both sides: what it reports is the noise floor.

The marketplace it needs (slug bench-routing) is created if missing and left for next time.
Progress goes to stderr; the last line on stdout is the machine-readable result.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_environ, log, median, setup_django, spread  # noqa: E402

SLUG = "bench-routing"
SCHEMA = "bench_routing"
HOST = f"{SLUG}.localhost"
PATH = "/api/v1/marketplace/"
SETTINGS = {"tenant": "config.settings", "plain": "bench.settings_plain"}
GUNICORN_CONFIG = ROOT / "platform" / "gunicorn.conf.py"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=6, help="even, so each server goes first equally"
    )
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="seconds of load per server and round"
    )
    parser.add_argument("--slice", type=int, default=1, help="seconds of one wrk run")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds per server before each run"
    )
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY of both servers")
    parser.add_argument(
        "--worker-class",
        help="override platform/gunicorn.conf.py's (gthread, keep-alive 5 s); sync closes "
        "every connection",
    )
    parser.add_argument("--threads", type=int, help="override GUNICORN_THREADS (4)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="reuse connections (off by default: with few kept-alive connections the kernel "
        "may hand them all to one worker, and a run measures one core instead of two)",
    )
    parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--same",
        action="store_true",
        help="A/A check: both servers use config.settings; the overhead shown is noise",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    setup_django(SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0")
    ensure_marketplace()
    from django.db import connection

    connection.close()  # the servers make their own

    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    log(
        f"gunicorn -c {GUNICORN_CONFIG.relative_to(ROOT)}, {args.workers} workers"
        f"{f', -k {args.worker_class}' if args.worker_class else ''}"
        f"{f', {args.threads} threads' if args.threads else ''}; load: {loader}, "
        f"{args.connections} connections, keep-alive {'on' if args.keep_alive else 'off'}, "
        f"{args.rounds} rounds x {args.seconds:g} s per server in {args.slice} s slices"
    )

    settings_of = dict(SETTINGS)
    if args.same:
        settings_of["plain"] = settings_of["tenant"]
    invalidations = InvalidationCounter()
    invalidations.start()
    slices = max(1, round(args.seconds / args.slice))
    rps: dict[str, list[float]] = {"tenant": [], "plain": []}
    with Loader(loader, args) as load:
        for round_number in range(args.rounds):
            first, second = ("tenant", "plain") if round_number % 2 == 0 else ("plain", "tenant")
            # New server processes every round: two long-lived processes differ by a few per
            # cent for reasons of their own (hash seed, memory layout), which an A/A run
            # (--same) shows as a steady bias; fresh ones turn it into noise the median absorbs.
            servers = {name: Server(name, settings_of[name], args) for name in (first, second)}
            try:
                for server in servers.values():
                    server.start()
                bodies = {name: server.get() for name, server in servers.items()}
                if bodies["tenant"] != bodies["plain"]:
                    raise SystemExit(f"bench: the servers answer differently: {bodies}")
                for server in servers.values():
                    load(server.port, args.warmup)
                # Short slices in ABBA order: bursts of other work on the machine last
                # seconds, and hit both servers alike only if they take turns quickly.
                runs: dict[str, list[float]] = {"tenant": [], "plain": []}
                for index in range(slices):
                    for name in (first, second) if index % 2 == 0 else (second, first):
                        runs[name].append(load(servers[name].port, args.slice))
            finally:
                for server in servers.values():
                    server.stop()
            for name, values in runs.items():
                rps[name].append(sum(values) / len(values))
            log(
                f"round {round_number + 1}/{args.rounds}: tenant {rps['tenant'][-1]:.0f} rps, "
                f"plain {rps['plain'][-1]:.0f} rps"
            )
    for name, values in rps.items():
        log(f"{name}: {spread(values)}")
    tenant_rps, plain_rps = median(rps["tenant"]), median(rps["plain"])
    overhead = (plain_rps - tenant_rps) / plain_rps * 100
    # A round's two figures come from interleaved slices, so their ratio cancels the drifts
    # of the machine's load that move whole rounds.
    paired = median([(p - t) / p * 100 for t, p in zip(rps["tenant"], rps["plain"], strict=True)])
    log(
        f"paired_overhead_pct={paired:.1f} loader={loader} "
        f"worker_class={args.worker_class or 'gthread'} workers={args.workers} "
        f"connections={args.connections} keep_alive={int(args.keep_alive)} "
        f"same={int(args.same)} invalidations={invalidations.count}"
    )
    print(
        f"routing tenant_rps={tenant_rps:.0f} plain_rps={plain_rps:.0f} "
        f"overhead_pct={overhead:.1f}",
        flush=True,
    )


def ensure_marketplace() -> None:
    from tenants.models import Marketplace
    from tenants.services import marketplace_create

    if Marketplace.objects.filter(slug=SLUG).exists():
        return
    log(f"creating the marketplace {SLUG} (kept for later runs)")
    marketplace = marketplace_create(
        preset="freelancers",
        name="Bench Routing",
        owner_email=f"owner@{SLUG}.example",
        slug=SLUG,
        domain=HOST,
        actor="bench/routing.py",
    )
    assert marketplace.schema_name == SCHEMA


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, settings_module: str, args: argparse.Namespace) -> None:
        self.name = name
        self.port = free_port()
        # Production's web config (gthread, 4 threads, keep-alive, access log), with the
        # addresses and worker count of this machine.
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--config",
            str(GUNICORN_CONFIG),
        ]
        if args.worker_class:
            self.command += ["--worker-class", args.worker_class]
        if args.threads:
            self.command += ["--threads", str(args.threads)]
        self.environ = bench_environ()
        self.environ.update(
            DJANGO_SETTINGS_MODULE=settings_module,
            BENCH_MARKETPLACE_SCHEMA=SCHEMA,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(args.workers),
            # Production recycles a worker every ~2000 requests: at the rates measured here
            # that is a worker restart (Django import, cold caches) every few seconds, which
            # would measure start-up rather than requests.
            GUNICORN_MAX_REQUESTS="0",
            GUNICORN_LOG_LEVEL="warning",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # The access log (stdout) is written as in production, and thrown away.
        self.process = subprocess.Popen(
            self.command,
            env=self.environ,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: the {self.name} server did not start") from None
                time.sleep(0.2)

    def get(self) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", PATH, headers={"Host": HOST})
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise SystemExit(f"bench: {self.name} answered {response.status}: {body[:300]!r}")
        return body

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class InvalidationCounter:
    """Counts routing invalidations published for this database while measuring: each one
    empties every worker's host cache, which would cost the tenant server lookups."""

    def __init__(self) -> None:
        self.count = 0

    def start(self) -> None:
        import redis
        from django.conf import settings

        from tenants.routing import invalidation_channel

        pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(invalidation_channel())
        threading.Thread(target=self._count, args=(pubsub,), daemon=True).start()

    def _count(self, pubsub) -> None:
        for message in pubsub.listen():
            if message.get("type") == "message":
                self.count += 1


class Loader:
    """Runs the load from another process: wrk, or a Python pool process."""

    def __init__(self, kind: str, args: argparse.Namespace) -> None:
        self.kind = kind
        self.connections = args.connections
        self.headers = {"Host": HOST}
        if not args.keep_alive:
            self.headers["Connection"] = "close"
        self.pool = None

    def __enter__(self) -> Loader:
        if self.kind == "python":
            self.pool = multiprocessing.get_context("spawn").Pool(1)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def __call__(self, port: int, seconds: float) -> float:
        if self.kind == "wrk":
            return wrk(port, self.connections, seconds, self.headers)
        return self.pool.apply(python_load, (port, self.connections, seconds, self.headers))


def wrk(port: int, connections: int, seconds: float, headers: dict[str, str]) -> float:
    header_args = []
    for name, value in headers.items():
        header_args += ["--header", f"{name}: {value}"]
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{max(1, round(seconds))}s",
            *header_args,
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in result.stdout or "Socket errors" in result.stdout:
        raise SystemExit(f"bench: failed requests under load:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def python_load(port: int, connections: int, seconds: float, headers: dict[str, str]) -> float:
    """Threads that reuse a connection while the server keeps it open."""
    deadline = time.monotonic() + seconds
    counts = [0] * connections

    def worker(index: int) -> None:
        conn = None
        while time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", PATH, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            counts[index] += 1
            if response.will_close:
                conn.close()
                conn = None

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


if __name__ == "__main__":
    main()
