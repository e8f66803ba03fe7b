"""Where the time of GET /api/v1/marketplace/ goes, in one process, tenant routing vs fixed.

    .venv/bin/python bench/routing_profile.py [--requests 5000] [--rounds 5]

The companion of bench/routing.py without HTTP, processes or load generator, so the small
difference between the two stacks is not lost in the noise of a shared 2-core machine. The
same request goes through Django's full handler (django.test.Client) with config.settings'
middleware and with bench.settings_plain's, alternating; then each routing middleware is
timed alone; then the queries (SET search_path included) and Redis commands of one request
are counted, and cProfile lists the routing middleware's own functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log, median, setup_django  # noqa: E402

HOST = "bench-routing.localhost"
SCHEMA = "bench_routing"
PATH = "/api/v1/marketplace/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per timed run")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django(SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0")

    from django.conf import settings

    from tenants.models import Marketplace

    settings.BENCH_MARKETPLACE_SCHEMA = SCHEMA  # what bench.settings_plain adds

    if not Marketplace.objects.filter(schema_name=SCHEMA).exists():
        raise SystemExit("bench: run bench/routing.py first; it creates the marketplace")

    clients = {"tenant": make_client("config.settings"), "plain": make_client("plain")}
    for client in clients.values():
        for _ in range(200):
            get(client)

    per_request: dict[str, list[float]] = {"tenant": [], "plain": []}
    for round_number in range(args.rounds):
        order = ["tenant", "plain"] if round_number % 2 == 0 else ["plain", "tenant"]
        for name in order:
            per_request[name].append(time_requests(clients[name], args.requests))
        log(
            f"round {round_number + 1}: tenant {per_request['tenant'][-1]:.0f} us, "
            f"plain {per_request['plain'][-1]:.0f} us per request"
        )
    tenant_us, plain_us = median(per_request["tenant"]), median(per_request["plain"])

    middleware_us = time_middlewares(args.requests * 4)
    log(
        "middleware alone: "
        + ", ".join(f"{name} {value:.1f} us" for name, value in middleware_us.items())
    )
    counts = {name: count_io(client) for name, client in clients.items()}
    for name, (queries, redis_commands, statements) in counts.items():
        log(f"{name}: {queries} queries, {redis_commands} Redis commands per request: {statements}")
    profile_routing(clients["tenant"], args.requests)

    overhead = (tenant_us - plain_us) / plain_us * 100
    print(
        f"routing_profile tenant_us={tenant_us:.0f} plain_us={plain_us:.0f} "
        f"overhead_pct={overhead:.1f} "
        f"routing_mw_us={middleware_us['routing']:.1f} fixed_mw_us={middleware_us['fixed']:.1f} "
        f"queries_tenant={counts['tenant'][0]} queries_plain={counts['plain'][0]} "
        f"redis_tenant={counts['tenant'][1]} redis_plain={counts['plain'][1]}",
        flush=True,
    )


def make_client(settings_name: str):
    """A test client whose handler loaded the middleware of ``settings_name``."""
    from django.test import Client, override_settings

    if settings_name == "plain":
        from bench import settings_plain

        middleware = settings_plain.MIDDLEWARE
    else:
        from django.conf import settings

        middleware = settings.MIDDLEWARE
    client = Client(HTTP_HOST=HOST, raise_request_exception=True)
    with override_settings(MIDDLEWARE=middleware):
        client.handler.load_middleware()
    return client


def get(client):
    response = client.get(PATH)
    if response.status_code != 200:
        raise SystemExit(f"bench: {response.status_code}: {response.content[:300]!r}")
    return response


def time_requests(client, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        get(client)
    return (time.perf_counter() - started) / count * 1e6


def time_middlewares(count: int) -> dict[str, float]:
    """Microseconds one routing middleware call adds, the view replaced by a constant."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from bench.plain_tenancy import FixedMarketplaceMiddleware
    from tenants.routing import MarketplaceRoutingMiddleware

    response = HttpResponse()
    request = RequestFactory(HTTP_HOST=HOST).get(PATH)
    results = {}
    for name, middleware_class in (
        ("routing", MarketplaceRoutingMiddleware),
        ("fixed", FixedMarketplaceMiddleware),
        ("none", None),
    ):
        middleware = middleware_class(lambda request: response) if middleware_class else None
        call = middleware or (lambda request: response)
        call(request)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(count):
                call(request)
            runs.append((time.perf_counter() - started) / count * 1e6)
        results[name] = median(runs)
    baseline = results.pop("none")
    return {name: value - baseline for name, value in results.items()}


def count_io(client, requests: int = 100) -> tuple[float, float, list[str]]:
    """Queries and Redis commands per request, over ``requests`` warm requests."""
    import redis.connection
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    get(client)  # the connection now points where this client's requests leave it
    redis.connection.AbstractConnection.send_packed_command = counting
    try:
        with CaptureQueriesContext(connection) as captured:
            for _ in range(requests):
                get(client)
    finally:
        redis.connection.AbstractConnection.send_packed_command = original
    statements = sorted({query["sql"].split(" WHERE")[0][:60] for query in captured})
    return len(captured) / requests, len(sent) / requests, statements


def profile_routing(client, count: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        get(client)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    log(f"cProfile of {count} tenant requests ({total / count * 1e6:.0f} us each under profiling):")
    rows = []
    for (filename, line, function), (_, calls, tottime, cumtime, _) in stats.stats.items():
        if "tenants/" in filename or function in {"get_host", "set_tenant", "_cursor"}:
            rows.append((cumtime, tottime, calls, f"{Path(filename).name}:{line}:{function}"))
    for cumtime, tottime, calls, where in sorted(rows, reverse=True)[:12]:
        log(
            f"  {where:<48} calls/req {calls / count:5.2f}  own {tottime / count * 1e6:6.1f} us"
            f"  incl. callees {cumtime / count * 1e6:7.1f} us  ({cumtime / total * 100:4.1f} %)"
        )


if __name__ == "__main__":
    main()
