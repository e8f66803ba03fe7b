"""Database work of async consumers, in the right schema and the right thread.

django-tenants keeps the schema on the connection, and Django keeps one connection per
thread: the schema must be set in the thread that runs the queries. ``in_schema`` runs a sync
callable through channels' ``database_sync_to_async`` (which also closes worn connections
around it) and sets the marketplace's schema, or the public one, inside that same call; it
puts the public schema back before the thread is handed to anyone else.

Events the call publishes (accounts.services.live_events) wake their listeners from this
event loop once the call returns, not from the thread: a thread can only wake them by handing
a coroutine to the loop and waiting for it.

Cancelling the task that awaits ``in_schema`` cannot stop its thread, so the cancellation
waits for the call to finish: once a cancelled task has stopped (``task_stop``), its database
work is done. Without that, a socket's last renewal (a stream join, a presence renewal) could
land after the leave its disconnect wrote next, counting in a viewer who had gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from channels.db import database_sync_to_async

from accounts.services.live_events import Wakes, live_wakes_deferred, live_wakes_send
from tenants.db import connection
from tenants.models import Marketplace

P = ParamSpec("P")
# Wake-ups sent on behalf of cancelled tasks; kept here so none is collected early.
_wakers: set[asyncio.Future] = set()
R = TypeVar("R")


def _run(marketplace: Marketplace | None, wakes: Wakes, fn: Callable[..., R], args, kwargs) -> R:
    if marketplace is None:
        connection.set_schema_to_public()
    else:
        connection.set_tenant(marketplace)
    try:
        with live_wakes_deferred(wakes):
            return fn(*args, **kwargs)
    finally:
        connection.set_schema_to_public()


async def in_schema(
    marketplace: Marketplace | None, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """``fn(*args, **kwargs)`` in a worker thread, in ``marketplace``'s schema (public: None).
    Not thread-sensitive: sockets do not queue behind one another's queries."""
    wakes: Wakes = []
    call = asyncio.ensure_future(
        database_sync_to_async(_run, thread_sensitive=False)(marketplace, wakes, fn, args, kwargs)
    )
    try:
        result = await asyncio.shield(call)
    except asyncio.CancelledError:
        await asyncio.wait([call])  # the thread's work ends before the cancellation does
        if wakes:  # and what it published still wakes its listeners, without this task
            waker = asyncio.ensure_future(live_wakes_send(wakes))
            _wakers.add(waker)
            waker.add_done_callback(_wakers.discard)
        raise
    except BaseException:
        await live_wakes_send(wakes)  # a call that fails may have committed events first
        raise
    await live_wakes_send(wakes)
    return result


async def task_stop(task: asyncio.Task) -> None:
    """Cancel ``task`` and return once it has stopped, its last ``in_schema`` call finished."""
    task.cancel()
    await asyncio.wait([task])
