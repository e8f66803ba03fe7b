"""Anti-spam: how many messages one sender may send per minute and per day.

Counted in Redis through the default cache, whose key function prefixes every key with the
marketplace's schema, in fixed windows (the current minute, the current UTC day). A refused
message still counts, so hammering the endpoint does not shorten the wait.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache as once

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.utils.translation import gettext as _

from config.errors import RateLimited


@dataclass(frozen=True)
class Window:
    name: str
    seconds: int
    setting: str

    @property
    def limit(self) -> int:
        return getattr(settings, self.setting)

    def key(self, user_id: int, now: float) -> str:
        return f"message-rate:{self.name}:{user_id}:{int(now // self.seconds)}"

    def retry_after(self, now: float) -> int:
        return max(1, self.seconds - int(now % self.seconds))


WINDOWS = (
    Window("minute", 60, "SOUK_MESSAGE_RATE_PER_MINUTE"),
    Window("day", 86400, "SOUK_MESSAGE_RATE_PER_DAY"),
)


def message_rate_keys(*, user_id: int, now: float | None = None) -> list[str]:
    """The cache keys counting this sender's messages now (tests clear them)."""
    now = time.time() if now is None else now
    return [window.key(user_id, now) for window in WINDOWS]


def message_rate_check(*, user_id: int) -> None:
    """Count one message of ``user_id``; raise RateLimited (429) past either limit."""
    now = time.time()
    # Every window counts the message before any refuses it, so each count is of attempts.
    counted = windows_count([(window.key(user_id, now), window.seconds + 60) for window in WINDOWS])
    counts = list(zip(WINDOWS, counted, strict=True))
    exceeded = [window for window, count in counts if count > window.limit]
    if exceeded:
        # The longest wait is the one that matters.
        window = max(exceeded, key=lambda w: w.retry_after(now))
        retry_after = window.retry_after(now)
        raise RateLimited(
            _("You have sent too many messages; try again in %(retry_after)s seconds.")
            % {"retry_after": retry_after},
            code="message_rate_limited",
            details={"window": window.name, "limit": window.limit, "retry_after": retry_after},
        )


def window_count(key: str, timeout: int) -> int:
    """Count one more under ``key`` (a fixed window's counter, in the default cache) and return
    the count; the counter expires ``timeout`` seconds after it starts."""
    return windows_count([(key, timeout)])[0]


@once
def _counters() -> BaseCache:
    """The default cache, one instance for the process. ``django.core.cache.cache`` is one
    instance per thread, and per task in async code: every socket task sending its first
    message made an instance, a Redis connection pool and a connection (a TCP connect and a
    handshake, a few hundred microseconds of CPU) for one round trip. Redis' pools are
    thread-safe, so one instance serves every thread."""
    return caches.create_connection("default")


def windows_count(windows: list[tuple[str, int]]) -> list[int]:
    """Count one more under each (key, timeout) and return the counts, in one round trip to
    Redis. Each counter is made with its expiry if missing, then raised, in one MULTI (it
    cannot expire in between and come back without an expiry)."""
    counters = _counters()
    keys = [counters.make_and_validate_key(key) for key, _timeout in windows]
    client = counters._cache.get_client(keys[0], write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=True)
    for key, (_key, timeout) in zip(keys, windows, strict=True):
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
    answers = pipe.execute()
    return [int(count) for count in answers[1::2]]
