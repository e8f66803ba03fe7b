"""Database work of async consumers, in the right schema and the right thread.

django-tenants keeps the schema on the connection, and Django keeps one connection per
thread: the schema must be set in the thread that runs the queries. ``in_schema`` runs a sync
callable through channels' ``database_sync_to_async`` (which also closes worn connections
around it) and sets the marketplace's schema, or the public one, inside that same call; it
puts the public schema back before the thread is handed to anyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from channels.db import database_sync_to_async

from tenants.db import connection
from tenants.models import Marketplace

P = ParamSpec("P")
R = TypeVar("R")


def _run(marketplace: Marketplace | None, fn: Callable[..., R], args, kwargs) -> R:
    if marketplace is None:
        connection.set_schema_to_public()
    else:
        connection.set_tenant(marketplace)
    try:
        return fn(*args, **kwargs)
    finally:
        connection.set_schema_to_public()


async def in_schema(
    marketplace: Marketplace | None, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """``fn(*args, **kwargs)`` in a worker thread, in ``marketplace``'s schema (public: None).
    Not thread-sensitive: sockets do not queue behind one another's queries."""
    return await database_sync_to_async(_run, thread_sensitive=False)(marketplace, fn, args, kwargs)
