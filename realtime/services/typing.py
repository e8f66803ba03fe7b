"""Typing signals: ephemeral (never stored, never replayed), to the other party of a thread,
at most one per user and thread every SOUK_LIVE_TYPING_INTERVAL seconds (the rest are
dropped, counted in Redis so several sockets of one user share the allowance)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.translation import gettext as _

from accounts.services.live_events import live_key_prefix, live_redis, live_user_group
from bookings.models import Actor
from bookings.selectors.message_reads import thread_to_write
from config.errors import NotAllowed
from realtime.services.presence import EPHEMERAL
from tenants.db import connection


def typing_signal_send(*, actor, thread_id: int) -> bool:
    """Tell the thread's other party that ``actor`` is typing; False when dropped by the rate
    limit. A stranger to the thread gets NotFound, staff NotAllowed (as for messages)."""
    thread, role = thread_to_write(viewer=actor, thread_id=thread_id)
    if role == Actor.STAFF:
        raise NotAllowed(
            _("Staff may read this conversation but not write in it."), code="staff_read_only"
        )
    schema = connection.schema_name
    interval_ms = max(1, int(settings.SOUK_LIVE_TYPING_INTERVAL * 1000))
    key = f"{live_key_prefix(schema)}:typing:{actor.pk}:{thread.pk}"
    if not live_redis().set(key, "1", px=interval_ms, nx=True):
        return False
    other = thread.provider.user_id if actor.pk == thread.customer_id else thread.customer_id
    layer = get_channel_layer()
    if layer is not None:
        data = {"thread_id": thread.pk, "user_id": actor.pk}
        async_to_sync(layer.group_send)(
            live_user_group(schema=schema, user_id=other),
            {"type": EPHEMERAL, "event": {"type": "typing", "data": data}},
        )
    return True
