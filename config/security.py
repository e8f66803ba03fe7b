"""Content-Security-Policy for every response (Django 5.2 has none built in).

Scripts load only from our own origin: no page may carry inline script or on*= handlers
(the Swagger UI uses drf-spectacular's split view for that reason). Inline <style> elements
are allowed only with this request's nonce, written by ``{% csp_nonce %}`` (a template builtin,
see TEMPLATES): a theme's colours are rendered per marketplace, and the unknown-host page is
drawn before any static file can be served for that host. Style attributes are not allowed.

The nonce lives in a context variable as well as on the request because some pages (routing's
error pages) are rendered without a request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django import template
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Content-Security-Policy"

_nonce: ContextVar[str] = ContextVar("souk_csp_nonce", default="")

register = template.Library()


@register.simple_tag
def csp_nonce() -> str:
    """The nonce of the request being answered ("" outside a request: mails, commands)."""
    return _nonce.get()


def content_security_policy(
    *,
    nonce: str,
    media_origins: list[str],
    frame_ancestors: str = "'none'",
    player_origins: list[str] | None = None,
) -> str:
    """The policy; ``frame_ancestors`` is "'self'" only for a page the site frames itself
    (the theme editor's preview). ``player_origins`` only for a page with a video player that
    feeds the video itself (hls.js, the stream page): it may fetch from those origins and play
    the blob: its Media Source Extensions make."""
    media = " ".join(["'self'", *media_origins])
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": f"'self' 'nonce-{nonce}'",
        # data: for the SVG icons inside the admin's and Swagger UI's stylesheets.
        "img-src": f"{media} data:",
        "media-src": media,
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    if player_origins is not None:
        directives["media-src"] = f"{media} blob:"
        directives["connect-src"] = " ".join(["'self'", *player_origins])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Outermost middleware, so that routing's own answers (unknown host, suspended) carry the
    policy too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.media_origins = list(settings.SOUK_CSP_MEDIA_ORIGINS)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        token = _nonce.set(nonce)
        try:
            response = self.get_response(request)
        finally:
            _nonce.reset(token)
        if HEADER in response or self._is_debug_error_page(response):
            return response
        response[HEADER] = content_security_policy(nonce=nonce, media_origins=self.media_origins)
        return response

    @staticmethod
    def _is_debug_error_page(response: HttpResponseBase) -> bool:
        # Django's technical 404/500 pages (DEBUG only) are built of inline script and style.
        return (
            settings.DEBUG
            and response.status_code >= 400
            and response.get("Content-Type", "").startswith("text/html")
        )
