"""The client's address, one notion for the whole project, and the throttles built on it.

A request's client is ``REMOTE_ADDR``, unless ``SOUK_TRUSTED_PROXY_COUNT`` proxies of ours
stand in front: then it is the address that many hops from the right of X-Forwarded-For,
the one our outermost proxy saw. Everything left of it may be forged by the client, so with
no trusted proxies the header is ignored altogether. DRF's ``NUM_PROXIES`` and allauth's
``ALLAUTH_TRUSTED_PROXY_COUNT`` are set from the same setting, and allauth's adapter asks
``client_address`` too (``accounts.adapter``), so the throttles, allauth's rate limits and
the log-in limiter all count the same client.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.SOUK_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer hops than proxies: the request skipped the outer proxies, and every hop listed
    # was written by one of ours (DRF's get_ident makes the same choice).
    return hops[-min(proxies, len(hops))] or remote


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, counting anonymous clients by ``client_address``."""

    def get_ident(self, request) -> str:
        return client_address(request)


class AuthMailThrottle(SimpleRateThrottle):
    """Requests that mail an address (sign-up, reset, magic link), per client an hour, on top
    of the view's own scope."""

    scope = "auth_mail"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
