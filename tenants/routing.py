"""Host -> marketplace routing with a per-process cache.

django-tenants looks the domain up on every request. Here each process keeps the answer
in memory; a change to a marketplace or domain publishes an invalidation on Redis that every
process's listener thread applies at once. A TTL backstops a missed message.

Other per-process caches of a marketplace's settings (billing's drivers) ride on the same
invalidation: they register a clear function, publish after their own changes, and keep
entries only while ``process_caches_live()`` (the subscription is up, so none goes stale).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import redis
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import set_urlconf
from django.utils import translation
from django.utils.translation import gettext as _

from tenants import cells
from tenants.db import connection
from tenants.models import CellRoute, Domain, Marketplace

logger = logging.getLogger(__name__)

MAX_ENTRIES = 10_000
_process_caches: list[Callable[[], None]] = []


def process_cache_register(clear: Callable[[], None]) -> None:
    """``clear`` runs whenever any process publishes an invalidation (and on a lost
    subscription), in every process."""
    _process_caches.append(clear)


def process_caches_live() -> bool:
    """Whether this process hears invalidations now, so a cached value may be kept."""
    routing_cache.ensure_listener()
    return routing_cache.listening()


def invalidation_channel(database_name: str = "") -> str:
    # Per database: deployments (or test runs) sharing one Redis don't flush each other. A
    # move names another cell's database to reach that cell's processes.
    return f"souk:routing:{database_name or connection.settings_dict['NAME']}:invalidate"


@dataclass(frozen=True)
class Route:
    """Where a host goes: a marketplace served here, or the cell that serves it, or nowhere."""

    marketplace: Marketplace | None = None
    cell: str = ""


@dataclass(frozen=True)
class _Entry:
    route: Route
    expires_at: float


class RoutingCache:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._listener_pid: int | None = None
        self._listening = threading.Event()

    def lookup(self, host: str) -> Marketplace | None:
        """The marketplace this cell serves at ``host``, if any."""
        return self.route(host).marketplace

    def route(self, host: str) -> Route:
        self.ensure_listener()
        now = time.monotonic()
        entry = self._entries.get(host)
        if entry is not None and entry.expires_at > now:
            return entry.route
        route = self._load(host)
        if self._listening.is_set():
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                ttl = settings.SOUK_ROUTING_CACHE_TTL
                self._entries[host] = _Entry(route, now + ttl)
        return route

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        for clear in _process_caches:
            clear()

    def listening(self) -> bool:
        return self._listening.is_set()

    @staticmethod
    def _load(host: str) -> Route:
        connection.set_schema_to_public()
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        if domain is not None:
            return Route(marketplace=domain.tenant)
        # Only looked for when a cell is named: a single deployment keeps one query.
        if cells.this_cell():
            elsewhere = CellRoute.objects.filter(domain=host).values_list("cell", flat=True)
            cell = next(iter(elsewhere), "")
            if cell and cell != cells.this_cell():
                return Route(cell=cell)
        return Route()

    def ensure_listener(self) -> None:
        # One listener per process; a forked worker starts its own.
        pid = os.getpid()
        if self._listener_pid == pid:
            return
        with self._lock:
            if self._listener_pid == pid:
                return
            self._listener_pid = pid
            self._entries.clear()
            for clear in _process_caches:  # what a parent kept before the fork
                clear()
            self._listening = threading.Event()
            thread = threading.Thread(
                target=self._listen, args=(self._listening,), name="souk-routing", daemon=True
            )
            thread.start()
        # Entries are cached only once the subscription is live, so no message is missed.
        self._listening.wait(timeout=1.0)

    def _listen(self, listening: threading.Event) -> None:
        while True:
            try:
                client = redis.Redis.from_url(settings.REDIS_URL, socket_keepalive=True)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(invalidation_channel())
                pubsub.get_message(timeout=1.0)  # the subscribe confirmation
                self.clear()
                listening.set()
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.clear()
            except redis.RedisError:
                logger.warning("routing cache listener lost Redis; retrying", exc_info=True)
            # Without a live subscription nothing is cached, so nothing can go stale.
            listening.clear()
            self.clear()
            time.sleep(1.0)


routing_cache = RoutingCache()


def publish_invalidation() -> None:
    routing_cache.clear()
    try:
        redis.Redis.from_url(settings.REDIS_URL).publish(invalidation_channel(), "all")
    except redis.RedisError:
        logger.exception("could not publish a routing invalidation")


def _on_change(**kwargs) -> None:
    transaction.on_commit(publish_invalidation)


for _model in (Marketplace, Domain, CellRoute):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"routing-save-{_model.__name__}")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"routing-del-{_model.__name__}")


def _in_request_language(request):
    """These answers come before LocaleMiddleware has chosen the request's language."""
    return translation.override(translation.get_language_from_request(request))


def _error_response(
    request,
    status: int,
    code: str,
    message: str,
    template: str,
    details: dict | None = None,
    headers: dict | None = None,
):
    if request.path.startswith("/api/"):
        body = {"error": code, "message": message, "details": details or {}}
        return JsonResponse(body, status=status, headers=headers)
    context = {"message": message, "host": request.get_host(), **(details or {})}
    return HttpResponse(render_to_string(template, context), status=status, headers=headers)


def elsewhere_response(request, cell: str):
    """421 Misdirected Request: this host's marketplace lives in another cell. Nothing of it
    is here to show; the answer names the cell (and its origin) for the edge proxy or client
    to send the request there. Not a redirect: the marketplace's address stays its own
    domain, which the other cell serves; a cell's origin is not an address for visitors."""
    origin = cells.origin_of(cell)
    with _in_request_language(request):
        return _error_response(
            request,
            421,
            "marketplace_elsewhere",
            _("This marketplace is served by another cell of the platform."),
            "souk/elsewhere.html",
            details={"cell": cell, "origin": origin},
            headers={"Souk-Cell": cell, "Souk-Cell-Origin": origin},
        )


def read_only_response(request, marketplace: Marketplace):
    """503 for a write to a marketplace that is moving between cells: nothing was written."""
    with _in_request_language(request):
        return _error_response(
            request,
            503,
            "marketplace_read_only",
            _("%(marketplace)s is read-only for a moment while it moves; nothing was saved.")
            % {"marketplace": marketplace.name},
            "souk/suspended.html",
            headers={"Retry-After": str(settings.SOUK_MOVE_RETRY_AFTER_S)},
        )


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class MarketplaceRoutingMiddleware:
    """Selects the marketplace (and its schema) from the Host header."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.operator_hosts = set(settings.SOUK_OPERATOR_HOSTS)

    def __call__(self, request):
        try:
            host = request.get_host().rsplit(":", 1)[0].lower()
        except DisallowedHost:
            with _in_request_language(request):
                message = _("The Host header is not valid.")
            return JsonResponse(
                {"error": "bad_host", "message": message, "details": {}}, status=400
            )
        if host.startswith("www."):
            host = host[4:]

        if host in self.operator_hosts:
            connection.set_schema_to_public()
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self._respond(request)

        route = routing_cache.route(host)
        marketplace = route.marketplace
        if marketplace is None and route.cell:
            return elsewhere_response(request, route.cell)
        # A deleted marketplace is gone for its visitors; only its rows wait for the purge.
        if marketplace is None or marketplace.status == Marketplace.Status.DELETED:
            with _in_request_language(request):
                return _error_response(
                    request,
                    404,
                    "unknown_marketplace",
                    _("No marketplace is served at this address."),
                    "souk/unknown_host.html",
                )
        if marketplace.status == Marketplace.Status.MOVING:
            if request.method not in SAFE_METHODS:
                return read_only_response(request, marketplace)
        elif not marketplace.is_active:
            with _in_request_language(request):
                return _error_response(
                    request,
                    503,
                    "marketplace_suspended",
                    _("%(marketplace)s is temporarily unavailable.")
                    % {"marketplace": marketplace.name},
                    "souk/suspended.html",
                )
        marketplace.domain_url = host
        request.tenant = marketplace
        connection.set_tenant(marketplace)
        return self._respond(request)

    def process_exception(self, request, exception):
        """A write that reached the database after the move made the schema read-only (the
        process had not yet heard of the move) is refused there; say so, as above."""
        cause = exception.__cause__ if isinstance(exception, DatabaseError) else None
        marketplace = getattr(request, "tenant", None)
        if isinstance(cause, psycopg.errors.ReadOnlySqlTransaction) and marketplace is not None:
            return read_only_response(request, marketplace)
        return None

    def _respond(self, request):
        response = self.get_response(request)
        # A connection that has visited many schemas carries their catalog caches; recycle it.
        served = len(getattr(connection, "schemas_served", ()))
        if served > settings.SOUK_CONNECTION_MAX_SCHEMAS and not connection.in_atomic_block:
            connection.close()
        return response
