"""Souk's settings with host routing taken out: the baseline of bench/routing.py.

The whole process serves one marketplace, chosen by BENCH_MARKETPLACE_SCHEMA. Everything else
(database backend, middleware stack, URLs, cache, connection reuse) is config.settings, so
the difference between the two servers is the routing middleware alone.
"""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, env

MIDDLEWARE = [
    "bench.plain_tenancy.FixedMarketplaceMiddleware" if name.endswith("RoutingMiddleware") else name
    for name in MIDDLEWARE
]
# The URLs a marketplace host gets; the routing middleware would pick these for its hosts too.
ROOT_URLCONF = "config.urls"
BENCH_MARKETPLACE_SCHEMA = env("BENCH_MARKETPLACE_SCHEMA", "bench_routing")
