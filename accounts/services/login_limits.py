"""Password log-in limits: per account and per client address, with a growing lock-out.

The API (``token_login``) and allauth's web log-in (``AccountAdapter.authenticate``) both go
through ``login_guarded``, and so does any other password check through ``authenticate()``
(the admin's log-in page) by way of ``accounts.backends``: a guess counts the same wherever
it is made.

Two scopes are counted: the account (the normalised e-mail, known or not) and the client (its
address; IPv6 by /64, which one subscriber usually holds whole). Each counts the attempts
that did not succeed. The first ``SOUK_LOGIN_FREE_FAILURES_PER_*`` are free; past them an
attempt must first open a lock-out window of its own, ``SOUK_LOGIN_LOCKOUT_SECONDS`` doubled
for each further failure up to ``SOUK_LOGIN_LOCKOUT_MAX_SECONDS``. While a window is open every
attempt of that scope is refused (429 with Retry-After) without the password being checked,
so even the right one does not get through and a guesser learns nothing.

An attempt is counted before the password is checked, so concurrent guesses cannot all slip
under the limit. A success forgives the account its failures (its owner knew the password)
but takes back only this attempt from the client's count: a guesser cannot wash out its
failures with log-ins to an account of its own. Failures are forgotten a day after the last.

Counters live in the cache, whose key function adds the marketplace's schema: a lock on one
marketplace never touches the same e-mail on another.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services._common import normalize_email
from config.errors import RateLimited

FAILURE_MEMORY_SECONDS = 24 * 3600
IPV6_CLIENT_PREFIX = 64
# Set while a guarded check runs, so that the password back-end does not count it twice.
_guard_active: ContextVar[bool] = ContextVar("login_guard_active", default=False)


@dataclass(frozen=True)
class _Scope:
    kind: str
    ident: str
    free: int

    def _key(self, what: str) -> str:
        digest = hashlib.sha256(self.ident.encode()).hexdigest()[:32]
        return f"accounts:login:{self.kind}:{digest}:{what}"

    @property
    def failures_key(self) -> str:
        return self._key("failures")

    @property
    def window_key(self) -> str:
        return self._key("window")


@dataclass
class _Attempt:
    scopes: tuple[_Scope, ...]
    windows: list[_Scope] = field(default_factory=list)


def login_guarded(*, email: str, client: str, check: Callable[[], User | None]) -> User | None:
    """Run ``check`` (the password check) as one attempt on ``email`` from ``client``.

    Raises RateLimited (``login_locked``) without calling ``check`` while either is locked.
    """
    attempt = _attempt_start(email=email, client=client)
    user = None
    active = _guard_active.set(True)
    try:
        user = check()
    finally:
        _guard_active.reset(active)
        _attempt_finish(attempt, succeeded=user is not None)
    return user


def login_guard_active() -> bool:
    """Whether the current password check already runs inside ``login_guarded``."""
    return _guard_active.get()


def client_bucket(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)


def _attempt_start(*, email: str, client: str) -> _Attempt:
    attempt = _Attempt(
        scopes=(
            _Scope(
                "account", normalize_email(email), settings.SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT
            ),
            _Scope("client", client_bucket(client), settings.SOUK_LOGIN_FREE_FAILURES_PER_CLIENT),
        )
    )
    now = time.time()
    for scope in attempt.scopes:
        _refuse_if_locked(scope, now)
    counted: list[_Scope] = []
    try:
        for scope in attempt.scopes:
            failures = _increment(scope.failures_key)
            counted.append(scope)
            if failures > scope.free:
                _open_window(scope, failures - scope.free, now)
                attempt.windows.append(scope)
    except RateLimited:
        # A concurrent attempt opened the window first: this one was never made.
        for scope in counted:
            _decrement(scope.failures_key)
        cache.delete_many([scope.window_key for scope in attempt.windows])
        raise
    return attempt


def _attempt_finish(attempt: _Attempt, *, succeeded: bool) -> None:
    if not succeeded:
        return
    for scope in attempt.scopes:
        if scope.kind == "account":
            cache.delete_many([scope.failures_key, scope.window_key])
        else:
            _decrement(scope.failures_key)
            if scope in attempt.windows:
                cache.delete(scope.window_key)


def _refuse_if_locked(scope: _Scope, now: float) -> None:
    until = cache.get(scope.window_key)
    if until is not None and until > now:
        raise _locked(until - now)


def _open_window(scope: _Scope, over: int, now: float) -> None:
    seconds = min(
        settings.SOUK_LOGIN_LOCKOUT_SECONDS * 2 ** min(over - 1, 32),
        settings.SOUK_LOGIN_LOCKOUT_MAX_SECONDS,
    )
    until = now + seconds
    # The entry outlives its window by a second; the stored end time is what counts.
    if cache.add(scope.window_key, until, timeout=seconds + 1):
        return
    current = cache.get(scope.window_key)
    if current is not None and current > now:
        raise _locked(current - now)
    cache.set(scope.window_key, until, timeout=seconds + 1)


def _increment(key: str) -> int:
    cache.add(key, 0, timeout=FAILURE_MEMORY_SECONDS)
    try:
        value = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=FAILURE_MEMORY_SECONDS)
        value = 1
    cache.touch(key, FAILURE_MEMORY_SECONDS)
    return value


def _decrement(key: str) -> None:
    try:
        if cache.decr(key) < 0:
            cache.delete(key)
    except ValueError:
        pass


def _locked(seconds_left: float) -> RateLimited:
    retry_after = max(1, math.ceil(seconds_left))
    return RateLimited(
        _(
            "Too many failed log-in attempts; try again in %(retry_after)s seconds, or log in "
            "with a link sent by e-mail."
        )
        % {"retry_after": retry_after},
        code="login_locked",
        details={"retry_after": retry_after},
    )
