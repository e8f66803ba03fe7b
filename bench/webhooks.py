"""Webhook throughput: provider notifications through the real HTTP endpoint, with the worker
running, then the ledger check.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_webhooks     # a database of your own
    .venv/bin/python bench/webhooks.py [--payments 400] [--deliveries 4000] [--clients 8]

Sets up the marketplace "bench-webhooks" (talent-iq preset, IQD) taking FIB and FastPay
through their sandboxes (each its own process), opens ``--payments`` payments half at each
and decides them at the sandbox (most paid, some declined or failed, a few left pending), then
starts production's web server (gunicorn with platform/gunicorn.conf.py) and a Celery worker
on a queue of its own, and sends ``--deliveries`` notifications from ``--clients`` keep-alive
connections: each payment announced several times in a shuffled order, claiming paid or its
outcome, with one in twenty naming a payment nobody made (a 404). Each delivery is stored
raw, read, matched and acknowledged; the worker then asks the provider and applies its answer.

Measured, each on half of the payments and deliveries:
- latency at the target's rate: deliveries offered at ``--rate`` per second on a fixed
  schedule (open loop, as providers send: nobody waits for the previous answer), each
  latency taken from its scheduled time, so a delivery that waits for a free connection
  counts its wait (no coordinated omission);
- throughput: ``--clients`` keep-alive connections sending back to back (closed loop), the
  deliveries per second the server sustains. Its latencies are printed too; with the server
  saturated they are the queue that ``--clients`` makes (Little's law), not the service time.
Then how long the worker takes to settle every payment after the last delivery; every
payment must be in its provider's state and ``ledger_problems()`` must be empty.

The last line: ``per_s`` is the closed-loop throughput, ``p95_ms`` the open-loop p95 at
``--rate``.

Progress goes to stderr; the last line on stdout is the machine-readable result.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_environ, log, machine_line, setup_django  # noqa: E402

SLUG = "bench-webhooks"
DOMAIN = "bench-webhooks.localhost"
GUNICORN_CONFIG = ROOT / "platform" / "gunicorn.conf.py"
# What the bench decides at each provider, and the state billing must reach (weights).
OUTCOMES = {
    "fib": [("paid", "paid", 8), ("declined", "failed", 1), (None, "pending", 1)],
    "fastpay": [("paid", "paid", 8), ("failed", "failed", 1), (None, "pending", 1)],
}
CLAIMS = {"fib": ["PAID", "DECLINED", "UNPAID"], "fastpay": ["Success", "Failed"]}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=300.0, help="open-loop deliveries/s")
    parser.add_argument("--connections", type=int, default=24, help="open-loop connections")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--seed", type=int, default=14)
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Process:
    """A child process in its own session, stopped with its children."""

    def __init__(self, name: str, command: list[str], environ: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            command, env=environ, cwd=ROOT, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_for_port(process: Process, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive():
            raise SystemExit(f"bench: {process.name} exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench: {process.name} did not listen on {port}")


def ensure_marketplace():
    from django.db import connection

    from tenants.models import Marketplace
    from tenants.services import marketplace_create

    connection.set_schema_to_public()
    existing = Marketplace.objects.filter(slug=SLUG).first()
    if existing:
        return existing
    log("provisioning marketplace bench-webhooks")
    return marketplace_create(
        preset="talent-iq", name="Bench Webhooks", slug=SLUG, domain=DOMAIN,
        owner_email="bench-webhooks@example.com",
    )  # fmt: skip


def open_payments(count: int, rng: random.Random, sandboxes: dict[str, str]) -> list[dict]:
    """``count`` payments, half per provider, decided at the sandbox (no callback: the bench
    sends the notifications). Returns what the load needs of each and the state to reach."""
    import urllib.request

    from accounts.models import User
    from billing.models import LedgerAccount, Payment
    from billing.money import Money
    from billing.services.payments import Allocation, payment_create

    kind = LedgerAccount.Kind
    run = secrets.token_hex(3)
    payer = User.objects.create_user(email=f"payer-{run}@bench.test", password=None)
    reader = User.objects.create_user(email=f"reader-{run}@bench.test", password=None)
    opened = []
    for index in range(count):
        code = "fib" if index % 2 == 0 else "fastpay"
        amount = Money(rng.randrange(10, 500) * 1000, "IQD")
        fee = Money(amount.amount_minor // 10 // 1000 * 1000, "IQD")
        payment = payment_create(
            payer=payer, subject=f"bench:{run}:{index}", purpose=Payment.Purpose.CHARGE,
            amount=amount, provider=code, idempotency_key=f"bench-{run}-{index}",
            allocations=[Allocation(kind.PROVIDER_PENDING, amount - fee, owner_id=reader.pk),
                         Allocation(kind.PLATFORM_FEES, fee)],
            return_url=f"https://{DOMAIN}/paid",
        )  # fmt: skip
        outcomes = OUTCOMES[code]
        outcome, state, _weight = rng.choices(outcomes, weights=[o[2] for o in outcomes])[0]
        if outcome:
            hook = urllib.request.Request(
                f"{sandboxes[code]}/__sandbox/payments/{payment.provider_ref}/outcome",
                data=json.dumps({"outcome": outcome, "callback": False}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            urllib.request.urlopen(hook, timeout=10).read()
        opened.append({"pk": payment.pk, "code": code, "ref": payment.provider_ref,
                       "state": state})  # fmt: skip
    return opened


def notification(code: str, ref: str, claimed: str) -> bytes:
    body = {"id": ref, "status": claimed} if code == "fib" else {
        "merchant_order_id": ref, "order_id": ref, "status": claimed}  # fmt: skip
    return json.dumps(body).encode()


def deliveries(opened: list[dict], count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """Every payment at least once, the rest drawn at random; one in twenty unknown."""
    chosen = opened + [rng.choice(opened) for _ in range(max(0, count - len(opened)))]
    rng.shuffle(chosen)
    out = []
    for index, item in enumerate(chosen[:count]):
        code = item["code"]
        ref = item["ref"] if index % 20 else f"unknown{secrets.token_hex(8)}"
        out.append((code, notification(code, ref, rng.choice(CLAIMS[code]))))
    return out


def connections(port: int, count: int) -> list[http.client.HTTPConnection]:
    return [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(count)]


def send(pool: list[http.client.HTTPConnection], batch: list[tuple[str, bytes]],
         rate: float | None = None):  # fmt: skip
    """Send ``batch`` from the keep-alive connections of ``pool``: back to back when ``rate``
    is None (closed loop: each latency from its own send), else offered at ``rate`` per second
    on a fixed schedule (open loop: each latency from its scheduled time, so waiting for a
    free connection counts). Returns (latencies s, statuses, wall s)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    cursor = iter(range(len(batch)))
    started = time.perf_counter() + (0.05 if rate else 0.0)

    def client(conn: http.client.HTTPConnection) -> None:
        mine, seen = [], {}
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            due = started + index / rate if rate else time.perf_counter()
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            code, body = batch[index]
            conn.request("POST", f"/api/v1/payments/webhooks/{code}/", body=body,
                         headers={"Host": DOMAIN, "Content-Type": "application/json"})  # fmt: skip
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - due)
            seen[response.status] = seen.get(response.status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client, args=(conn,)) for conn in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def settled(opened: list[dict]) -> int:
    from billing.models import Payment

    states = dict(Payment.objects.filter(pk__in=[o["pk"] for o in opened]).values_list(
        "pk", "state"))  # fmt: skip
    return sum(states[o["pk"]] == o["state"] for o in opened)


def main() -> None:
    args = parse_args()
    setup_django()
    from django.conf import settings
    from django_tenants.utils import tenant_context

    from billing.selectors.ledger import ledger_problems
    from demo.payments import sandbox_provider_configure

    rng = random.Random(args.seed)
    print(machine_line(), flush=True)
    market = ensure_marketplace()
    environ = bench_environ()
    queue = f"bench-webhooks-{secrets.token_hex(4)}"
    environ.update(
        CELERY_BROKER_URL=settings.REDIS_URL, CELERY_RESULT_BACKEND=settings.REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="0",
        SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0",
        GUNICORN_MAX_REQUESTS="0", GUNICORN_LOG_LEVEL="warning",
        WEB_CONCURRENCY=str(args.web_workers),
    )  # fmt: skip
    children: list[Process] = []
    try:
        sandboxes = {}
        for code in ("fib", "fastpay"):
            port = free_port()
            child = Process(f"{code} sandbox", [sys.executable, "-m", f"sandboxes.{code}",
                                                "--port", str(port)], environ)  # fmt: skip
            children.append(child)
            wait_for_port(child, port)
            sandboxes[code] = f"http://127.0.0.1:{port}"
        with tenant_context(market):
            for code, url in sandboxes.items():
                sandbox_provider_configure(code=code, url=url)
            log(f"opening {args.payments} payments at the sandboxes…")
            opened = open_payments(args.payments, rng, sandboxes)
        # A tenth of the payments warm the servers up (every web thread's connection, every
        # process's first task sent, the worker's first runs); each measure has half the rest.
        tenth = len(opened) // 10
        half = tenth + (len(opened) - tenth) // 2
        warm = deliveries(opened[:tenth], int(2 * args.rate), rng)
        paced = deliveries(opened[tenth:half], args.deliveries // 2, rng)
        batch = deliveries(opened[half:], args.deliveries - args.deliveries // 2, rng)

        web_port = free_port()
        web = Process("web", [str(Path(sys.executable).parent / "gunicorn"),
                              "config.wsgi:application", "--config", str(GUNICORN_CONFIG),
                              "--bind", f"127.0.0.1:{web_port}"], environ)  # fmt: skip
        worker = Process("worker", [sys.executable, "-m", "celery", "-A", "config", "worker",
                                    "-Q", queue, "--concurrency", str(args.worker_concurrency),
                                    "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
                         environ)  # fmt: skip
        children += [web, worker]
        wait_for_port(web, web_port)
        # The open-loop sender keeps its connections, as a provider's sender does: opening
        # them, and each web thread's first request, belong to the warm-up.
        pool = connections(web_port, args.connections)
        log(f"warming up: {len(warm)} notifications at {args.rate:.0f}/s…")
        send(pool, warm, args.rate)
        log(f"offering {len(paced)} notifications at {args.rate:.0f}/s…")
        paced_latencies, paced_statuses, paced_wall = send(pool, paced, args.rate)
        log(f"sending {len(batch)} notifications from {args.clients} connections…")
        latencies, statuses, wall = send(connections(web_port, args.clients), batch)
        sent_at = time.perf_counter()
        with tenant_context(market):
            while settled(opened) < len(opened) and time.perf_counter() - sent_at < 300:
                time.sleep(0.2)
            drain = time.perf_counter() - sent_at
            reached = settled(opened)
            problems = ledger_problems()
    finally:
        for child in reversed(children):
            child.stop()

    per_s = len(latencies) / wall
    p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
    o50, o95, o99 = (percentile(paced_latencies, p) * 1000 for p in (50, 95, 99))
    balanced = "yes" if not problems and reached == len(opened) else "no"
    print(f"open_loop rate={args.rate:.0f} deliveries={len(paced_latencies)} "
          f"achieved_per_s={len(paced_latencies) / paced_wall:.0f} "
          f"statuses={dict(sorted(paced_statuses.items()))} "
          f"p50_ms={o50:.1f} p95_ms={o95:.1f} p99_ms={o99:.1f}")  # fmt: skip
    print(f"closed_loop clients={args.clients} deliveries={len(latencies)} "
          f"statuses={dict(sorted(statuses.items()))} wall_s={wall:.2f} "
          f"p50_ms={p50:.1f} p95_ms={p95:.1f} p99_ms={p99:.1f}")  # fmt: skip
    print(f"payments={len(opened)} settled={reached} worker_drain_s={drain:.2f} "
          f"ledger_problems={len(problems)}")  # fmt: skip
    print(f"webhooks per_s={per_s:.0f} p95_ms={o95:.1f} ledger_balanced={balanced}")


if __name__ == "__main__":
    main()
