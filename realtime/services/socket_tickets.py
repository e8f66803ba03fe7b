"""Socket tickets: a short-lived, single-use proof of who opens a websocket.

A client that cannot send the web session cookie (a mobile app, a page on another origin of
the same marketplace) asks for a ticket with its API credentials and opens the socket with
``?ticket=`` within SOUK_LIVE_TICKET_SECONDS. The ticket is stored hashed in Redis under the
marketplace's schema, so another marketplace's host never finds it, and GETDEL takes it out in
the same step that reads it: it opens one socket, once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.services.live_events import live_key_prefix, live_redis
from tenants.db import connection


@dataclass(frozen=True)
class SocketTicket:
    ticket: str
    expires_at: datetime


def _ticket_key(schema: str, ticket: str) -> str:
    digest = hashlib.sha256(ticket.encode()).hexdigest()
    return f"{live_key_prefix(schema)}:ticket:{digest}"


def socket_ticket_issue(*, actor) -> SocketTicket:
    """A ticket for ``actor``'s next socket on this marketplace."""
    seconds = settings.SOUK_LIVE_TICKET_SECONDS
    ticket = secrets.token_urlsafe(32)
    live_redis().set(_ticket_key(connection.schema_name, ticket), str(actor.pk), ex=seconds)
    return SocketTicket(ticket=ticket, expires_at=timezone.now() + timedelta(seconds=seconds))


def socket_ticket_redeem(*, schema: str, ticket: str) -> int | None:
    """The user id the ticket was issued to on marketplace ``schema``; None if it is unknown
    there, expired or used. Either way it cannot be used again."""
    if not ticket or len(ticket) > 200:
        return None
    user_id = live_redis().getdel(_ticket_key(schema, ticket))
    return int(user_id) if user_id else None
