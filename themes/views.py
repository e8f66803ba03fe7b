"""The site's pages that belong to the theme: the home page and the marketplace's stylesheet.
Thin: they call themes' and catalog's selectors."""

from __future__ import annotations

import hashlib

from django.http import HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from themes.selectors.home import home_sections
from themes.selectors.themes import theme_of_pages, theme_stylesheet

# A versioned address (?v=<the theme's version>) never changes content; the bare one may.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=60, must-revalidate"


@require_safe
def home(request):
    sections = home_sections(viewer=request.user)
    return render(request, "site/home.html", {"sections": sections})


@require_safe
def theme_css(request):
    theme = theme_of_pages()
    css = theme_stylesheet(theme=theme).encode("utf-8")
    etag = f'"{hashlib.sha256(css).hexdigest()[:32]}"'
    cache_control = IMMUTABLE if request.GET.get("v") == theme.version else REVALIDATE
    # Weak comparison (RFC 9110): GZipMiddleware sends a gzipped body's ETag as W/"…".
    sent = request.headers.get("If-None-Match", "").split(",")
    if etag in {tag.strip().removeprefix("W/") for tag in sent}:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ["Host"])
    return response


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask every site for: the marketplace's own icon, else the
    default one (never a 404 in a visitor's console)."""
    theme = theme_of_pages()
    response = HttpResponseRedirect(
        theme.favicon.url if theme.favicon else static("site/favicon.svg")
    )
    response["Cache-Control"] = REVALIDATE
    patch_vary_headers(response, ["Host"])
    return response
