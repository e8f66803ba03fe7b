"""Presence: a provider is online while they have an open socket, and for a grace period
(SOUK_PRESENCE_GRACE_SECONDS) after their last one closes.

Shared by every ASGI process through Redis, per marketplace and user: a sorted set of the
user's open sockets, each scored with the time its entry lapses (renewed by the socket every
third of SOUK_PRESENCE_SOCKET_TTL, so a process that dies stops counting within the TTL), and
the time the last socket closed. The decision to go online or offline is taken under the
provider profile's row lock, against that shared state, so two processes never undo each
other: a socket that opens anywhere during the grace period keeps the provider online, and a
settle that finds one open does nothing. The timer that calls ``presence_settle`` after the
grace period runs in the process where a socket closed; any process may run it, since it
decides from the shared state only. A process that dies takes its timers along: Celery beat's
``presence_sweep`` (every minute, each marketplace) settles every provider that sockets put
online (a Redis set per marketplace), so nobody stays online for good.

A change sets ProviderProfile.is_online (catalog's provider_online_set, which search's online
filter reads) and is pushed to the sockets that follow that provider (``presence_group``).
"""

from __future__ import annotations

import logging
import time
from typing import cast

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.services.live_events import live_key_prefix, live_redis
from catalog.models import ProviderProfile
from catalog.services.profiles import provider_online_set
from tenants.db import connection

logger = logging.getLogger(__name__)

EPHEMERAL = "live.ephemeral"


def presence_group(*, schema: str, provider_id: int) -> str:
    return f"live.{schema}.presence.{provider_id}"


def _sockets_key(schema: str, user_id: int) -> str:
    return f"{live_key_prefix(schema)}:presence:{user_id}"


def _closed_key(schema: str, user_id: int) -> str:
    return f"{live_key_prefix(schema)}:presence-closed:{user_id}"


def _tracked_key(schema: str) -> str:
    """The users whose presence sockets drive: settled by the sweep until offline."""
    return f"{live_key_prefix(schema)}:presence-tracked"


def _open_sockets(schema: str, user_id: int, now: float) -> int:
    key = _sockets_key(schema, user_id)
    live_redis().zremrangebyscore(key, "-inf", now)
    return live_redis().zcard(key)


def _locked_profile(user) -> ProviderProfile | None:
    return ProviderProfile.objects.select_for_update().filter(user=user).first()


def _announce(schema: str, profile: ProviderProfile) -> None:
    data = {"provider_id": profile.pk, "online": profile.is_online}
    event = {"type": EPHEMERAL, "event": {"type": "presence", "data": data}}
    group = presence_group(schema=schema, provider_id=profile.pk)

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, event)

    transaction.on_commit(send)


def _set(user, profile: ProviderProfile, online: bool) -> None:
    if profile.is_online != online:
        profile = provider_online_set(actor=user, is_online=online)
        _announce(connection.schema_name, profile)


def presence_socket_open(*, user, socket_id: str) -> bool:
    """Count a new socket of ``user``; a provider goes online. Returns whether the user is a
    provider (a customer's sockets are not counted)."""
    schema, now = connection.schema_name, time.time()
    with transaction.atomic():
        profile = _locked_profile(user)
        if profile is None:
            return False
        key = _sockets_key(schema, user.pk)
        live_redis().zadd(key, {socket_id: now + settings.SOUK_PRESENCE_SOCKET_TTL})
        live_redis().expire(key, settings.SOUK_PRESENCE_SOCKET_TTL * 2)
        live_redis().sadd(_tracked_key(schema), user.pk)
        _set(user, profile, True)
    return True


def presence_socket_renew(*, user_id: int, socket_id: str) -> None:
    key = _sockets_key(connection.schema_name, user_id)
    live_redis().zadd(key, {socket_id: time.time() + settings.SOUK_PRESENCE_SOCKET_TTL}, xx=True)
    live_redis().expire(key, settings.SOUK_PRESENCE_SOCKET_TTL * 2)


def presence_socket_close(*, user_id: int, socket_id: str) -> None:
    """Stop counting a socket; ``presence_settle`` decides after the grace period."""
    schema = connection.schema_name
    live_redis().zrem(_sockets_key(schema, user_id), socket_id)
    grace = settings.SOUK_PRESENCE_GRACE_SECONDS
    live_redis().set(_closed_key(schema, user_id), repr(time.time()), ex=int(grace) + 60)


def presence_settle(*, user) -> bool:
    """Take the provider offline if no socket of theirs is open and the last one closed at
    least a grace period ago. Returns whether they are online afterwards."""
    schema, now = connection.schema_name, time.time()
    with transaction.atomic():
        profile = _locked_profile(user)
        if profile is None:
            live_redis().srem(_tracked_key(schema), user.pk)
            return False
        if _open_sockets(schema, user.pk, now):
            return profile.is_online
        closed = live_redis().get(_closed_key(schema, user.pk))
        if closed is not None and now - float(closed) < settings.SOUK_PRESENCE_GRACE_SECONDS:
            return profile.is_online  # a later close has its own timer
        _set(user, profile, False)
        live_redis().srem(_tracked_key(schema), user.pk)
    return False


def presence_sweep() -> int:
    """Settle every provider whose presence sockets drive in this marketplace (the timers'
    backstop); returns how many went offline."""
    tracked = _tracked_key(connection.schema_name)
    ids = sorted(int(user_id) for user_id in cast(set[str], live_redis().smembers(tracked)))
    went_offline = 0
    for user in User.objects.filter(pk__in=ids).order_by("pk"):
        was_online = ProviderProfile.objects.filter(user=user, is_online=True).exists()
        if not presence_settle(user=user) and was_online:
            went_offline += 1
    gone = set(ids) - set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if gone:
        live_redis().srem(tracked, *gone)
    return went_offline
