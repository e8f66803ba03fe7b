"""Who may open a socket, and on which marketplace: the checks of the websocket handshake.

The marketplace comes from the Host header exactly as for HTTP (tenants.routing's cache);
deleted and suspended marketplaces and the operator hosts are refused. The Origin must be one
of that marketplace's own domains (scheme and host; the port is not compared), so a page of
another site cannot open a socket with a visitor's cookies. The user is the holder of a
ticket of this marketplace (realtime.services.socket_tickets) or of this marketplace's web session.
A socket checks its holder again before each delivery and each client action
(``socket_holder_valid``): logging out or being deactivated closes it.

Every refusal is a ``Refused`` with a websocket close code in the 4000 range that mirrors the
HTTP status a request would get, and a short reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from http.cookies import CookieError, SimpleCookie
from importlib import import_module
from typing import Literal, overload
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest

from accounts.models import User
from realtime.services.socket_tickets import socket_ticket_redeem
from realtime.tenancy import in_schema
from tenants.db import connection
from tenants.models import Domain, Marketplace
from tenants.routing import routing_cache

CLOSE_BAD_REQUEST = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
CLOSE_UNKNOWN_MARKETPLACE = 4404
CLOSE_SUSPENDED = 4503


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Place:
    """The marketplace a socket belongs to."""

    marketplace: Marketplace
    netloc: str  # the Host header as sent (links to this marketplace's API use it)
    scheme: str  # "http" or "https": what the socket's own URL would be over HTTP

    @property
    def schema(self) -> str:
        return self.marketplace.schema_name


def _bare_host(value: str) -> str:
    host = value.strip().lower()
    if host.startswith("["):  # an IPv6 literal never names a marketplace
        return ""
    host = host.rsplit(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def place_of(*, host_header: str, origin: str | None, secure: bool) -> Place:
    """The marketplace served at ``host_header``, if ``origin`` is one of its domains."""
    host = _bare_host(host_header)
    if not host:
        raise Refused(CLOSE_BAD_REQUEST, "bad host")
    if host in set(settings.SOUK_OPERATOR_HOSTS):
        raise Refused(CLOSE_UNKNOWN_MARKETPLACE, "no marketplace here")
    marketplace = routing_cache.lookup(host)
    if marketplace is None or marketplace.status == Marketplace.Status.DELETED:
        raise Refused(CLOSE_UNKNOWN_MARKETPLACE, "no marketplace here")
    if not marketplace.is_active:
        raise Refused(CLOSE_SUSPENDED, "marketplace suspended")
    _check_origin(marketplace, origin)
    return Place(marketplace=marketplace, netloc=host_header, scheme="https" if secure else "http")


def _check_origin(marketplace: Marketplace, origin: str | None) -> None:
    parts = urlsplit(origin or "")
    if parts.scheme != settings.SOUK_URL_SCHEME or not parts.hostname:
        raise Refused(CLOSE_FORBIDDEN_ORIGIN, "origin refused")
    connection.set_schema_to_public()
    own = set(Domain.objects.filter(tenant=marketplace).values_list("domain", flat=True))
    if _bare_host(parts.hostname) not in own:
        raise Refused(CLOSE_FORBIDDEN_ORIGIN, "origin refused")


@dataclass(frozen=True)
class Holder:
    """Who holds a socket, and by what: a session key, or None for a ticket."""

    user: User
    session_key: str | None


def _session_user(session_key: str):
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return get_user(request)


def socket_holder(*, place: Place, ticket: str | None, cookie_header: str | None) -> Holder:
    """The socket's user, from a ticket if one is given (never falling back to the cookie),
    else from the session cookie. Runs in the marketplace's schema."""
    if ticket is not None:
        user_id = socket_ticket_redeem(schema=place.schema, ticket=ticket)
        user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        if user is None:
            raise Refused(CLOSE_UNAUTHENTICATED, "ticket refused")
        return Holder(user=user, session_key=None)
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except CookieError as exc:  # a malformed Cookie header: treated as no session
        raise Refused(CLOSE_UNAUTHENTICATED, "not authenticated") from exc
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None or not morsel.value:
        raise Refused(CLOSE_UNAUTHENTICATED, "not authenticated")
    found = _session_user(morsel.value)
    if not found.is_authenticated or not found.is_active:
        raise Refused(CLOSE_UNAUTHENTICATED, "not authenticated")
    return Holder(user=found, session_key=morsel.value)


@cache  # made on first use, once the models are loaded
def _user_active_sql() -> str:
    return f"SELECT 1 FROM {User._meta.db_table} WHERE id = %s AND is_active"


def socket_holder_valid(*, holder: Holder) -> bool:
    """Whether the holder may still hear on this socket: the user is active and, for a socket
    opened by a session, that session still signs them in (not logged out, expired, or cut
    by a password change). Runs in the marketplace's schema."""
    if holder.session_key is None:
        # Every delivery runs it: the statement itself, not a queryset compiled each time.
        with connection.prepared_cursor() as cursor:
            cursor.execute(_user_active_sql(), [holder.user.pk])
            return cursor.fetchone() is not None
    found = _session_user(holder.session_key)
    return found.is_authenticated and found.is_active and found.pk == holder.user.pk


def header_of(scope, name: bytes) -> str | None:
    """A request header of the socket's ASGI scope (``name`` in lower case)."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


@overload
async def socket_enter(scope, *, anonymous: Literal[False] = False) -> tuple[Place, Holder]: ...


@overload
async def socket_enter(scope, *, anonymous: Literal[True]) -> tuple[Place, Holder | None]: ...


async def socket_enter(scope, *, anonymous: bool = False) -> tuple[Place, Holder | None]:
    """Every socket's handshake: its marketplace (Host, Origin), then its holder (``?ticket=``
    or the session cookie). Raises Refused. ``anonymous``: a socket anyone may open (a
    stream's), whose holder is None for a visitor (socket_holder_or_anonymous)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    place = await in_schema(
        None,
        place_of,
        host_header=header_of(scope, b"host") or "",
        origin=header_of(scope, b"origin"),
        secure=scope.get("scheme") == "wss",
    )
    holder = await in_schema(
        place.marketplace,
        socket_holder_or_anonymous if anonymous else socket_holder,
        place=place,
        ticket=query.get("ticket", [None])[0],
        cookie_header=header_of(scope, b"cookie"),
    )
    return place, holder


def socket_holder_or_anonymous(
    *, place: Place, ticket: str | None, cookie_header: str | None
) -> Holder | None:
    """For sockets anyone may open (a stream's): the holder as ``socket_holder`` finds them, or
    None for a visitor without a usable session. A ticket that is refused is still refused:
    a client that sent one meant to be someone."""
    try:
        return socket_holder(place=place, ticket=ticket, cookie_header=cookie_header)
    except Refused:
        if ticket is not None:
            raise
        return None
