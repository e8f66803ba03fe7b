"""Gunicorn settings of the `web` process type. Every value can be set from the environment.

Threaded workers (gthread): most of a request's time is spent waiting on PostgreSQL and
Redis, so a few processes with several threads each serve more requests per megabyte than
many single-threaded processes. Each thread keeps its own database connection
(DATABASE_CONN_MAX_AGE), so one instance holds up to workers x threads connections.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
# WEB_CONCURRENCY is the process count that Heroku, Render, Dokku and friends set per size.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then so a slow leak never grows into an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Which peers may set X-Forwarded-Proto (wsgi.url_scheme) and friends: only our load balancer.
# This does not touch X-Forwarded-For: Django sees it as sent, and the application believes
# it only as far as SOUK_TRUSTED_PROXY_COUNT proxies reach (api/throttles.py). Set both
# together: the proxies' addresses here, their number there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files on tmpfs: a slow disk must not make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    from config.warm import application_warm

    application_warm()
