"""What a marketplace's sitemap lists: its home, the profiles of its active providers and its
published listings of active providers (the rules of what anyone may find are search's:
``providers_public`` and ``listings_public``), in pages of at most ``SOUK_SITEMAP_PAGE_SIZE``
entries (50,000 is the sitemaps protocol's limit per file).

Entries come in a fixed order (home, providers by id, listings by id), so a page holds the
same rows from one request to the next while nothing changes. Each call runs in the current
marketplace's schema: another marketplace's rows are not in its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from catalog.selectors.search import listings_public, providers_public
from config.errors import NotFound


@dataclass(frozen=True)
class SitemapEntry:
    kind: str  # "home", "provider" (key: the profile's id) or "listing" (key: its slug)
    key: str
    updated_at: datetime | None


HOME = SitemapEntry("home", "", None)


def _sections() -> list[tuple[str, QuerySet]]:
    return [
        ("provider", providers_public().order_by("pk").values_list("pk", "updated_at")),
        ("listing", listings_public().order_by("pk").values_list("slug", "updated_at")),
    ]


def _page_size() -> int:
    return settings.SOUK_SITEMAP_PAGE_SIZE


def sitemap_page_count() -> int:
    """How many pages the sitemap has (at least one: the home page is always listed)."""
    total = 1 + sum(rows.count() for _kind, rows in _sections())
    return -(-total // _page_size())


def sitemap_page(*, page: int) -> list[SitemapEntry]:
    """The entries of page ``page`` (from 1); NotFound past the last page."""
    if page < 1:
        raise NotFound(_("No such sitemap page."))
    size = _page_size()
    start, stop = (page - 1) * size, page * size
    entries = [HOME] if start == 0 else []
    offset = 1
    for kind, rows in _sections():
        low, high = max(start - offset, 0), stop - offset
        found = list(rows[low:high])
        entries += [SitemapEntry(kind, str(key), updated_at) for key, updated_at in found]
        if len(found) == high - low:  # the page is full
            break
        # The section ended inside the page: its size is where it ended, or, when the page
        # starts past its end, its count.
        offset += low + len(found) if found or low == 0 else rows.count()
    if not entries:
        raise NotFound(_("No such sitemap page."))
    return entries
