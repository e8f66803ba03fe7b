"""``/sitemap.xml`` and ``/robots.txt`` of each marketplace (config/urls.py).

Every URL names the marketplace's primary domain (``Marketplace.absolute_url``, the address
its mails and canonical links use), whichever of its host names the request came in on: a
sitemap's URLs must all be on one host. What is listed is catalog.selectors.sitemap's: the
home, public provider profiles and published listings of active providers. With more entries
than a sitemap file may hold, ``/sitemap.xml`` is an index of its pages (``?page=N``).
"""

from __future__ import annotations

from datetime import UTC
from xml.sax.saxutils import escape

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from catalog.selectors.sitemap import SitemapEntry, sitemap_page, sitemap_page_count
from config.errors import NotFound

XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Sections no crawler has any business in: staff and operator pages, the API (documented in
# its schema, not crawled), log-in and sign-up, and payment links (a secret in each URL).
ROBOTS_DISALLOW = ("/admin/", "/api/", "/accounts/", "/pay/")
CACHE_SECONDS = 3600


def provider_page_path(provider_id: int | str) -> str:
    """The path of a provider's public profile page."""
    return f"/providers/{provider_id}/"


def listing_page_path(slug: str) -> str:
    """The path of a listing's page."""
    return f"/listings/{slug}/"


def _entry_path(entry: SitemapEntry) -> str:
    if entry.kind == "provider":
        return provider_page_path(entry.key)
    if entry.kind == "listing":
        return listing_page_path(entry.key)
    return "/"


def _base(request: HttpRequest) -> str:
    return request.tenant.absolute_url("")  # type: ignore[attr-defined]


def _page_number(request: HttpRequest) -> int | None:
    """``?page=N`` as a whole number (None without one); ValueError for anything else."""
    raw = request.GET.get("page")
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise ValueError(raw)
    return int(raw)


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    try:
        page = _page_number(request)
    except ValueError:
        return HttpResponse(
            _("page must be a whole number from 1."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    base = _base(request)
    if page is None:
        pages = sitemap_page_count()
        if pages > 1:
            return _xml(_index(base, pages))
        page = 1
    try:
        entries = sitemap_page(page=page)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return _xml(_urlset(base, entries))


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {_base(request)}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _xml(body: str) -> HttpResponse:
    return HttpResponse(XML_HEADER + body, content_type="application/xml; charset=utf-8")


def _urlset(base: str, entries: list[SitemapEntry]) -> str:
    urls = []
    for entry in entries:
        lastmod = ""
        if entry.updated_at is not None:
            stamp = entry.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            lastmod = f"<lastmod>{stamp}</lastmod>"
        urls.append(f"<url><loc>{escape(base + _entry_path(entry))}</loc>{lastmod}</url>")
    return f'<urlset xmlns="{SITEMAP_NS}">\n' + "\n".join(urls) + "\n</urlset>\n"


def _index(base: str, pages: int) -> str:
    maps = [
        f"<sitemap><loc>{escape(f'{base}/sitemap.xml?page={page}')}</loc></sitemap>"
        for page in range(1, pages + 1)
    ]
    return f'<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(maps) + "\n</sitemapindex>\n"
