"""What the site's templates need beyond Django's tags: money and dates per locale (Babel),
a text by language, the hero's srcset, and addresses on the marketplace's own domain."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from django import template
from django.core.files.storage import default_storage
from django.utils import translation

from billing.money import Money
from catalog.media.thumbnails import thumbnail_sizes

register = template.Library()


def _locale() -> str:
    return (translation.get_language() or "en").replace("-", "_")


@register.filter
def money(amount_minor, currency: str) -> str:
    """``{{ price_minor|money:currency }}``: an amount in minor units, per the page's locale."""
    if amount_minor is None or not currency:
        return ""
    value = Money(int(amount_minor), currency).to_major()
    return format_currency(value, currency, locale=_locale())


@register.simple_tag(takes_context=True)
def when(context, value, style: str = "medium") -> str:
    """A date or time in the page's locale and the marketplace's time zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        marketplace = context.get("marketplace")
        zone = ZoneInfo(getattr(marketplace, "time_zone", None) or "UTC")
        return format_datetime(value.astimezone(zone), style, locale=_locale())
    return format_date(value, style, locale=_locale())


@register.filter
def in_language(texts) -> str:
    """A ``{"en": ..., "ar": ...}`` text in the page's language, else English, else ""."""
    if not texts:
        return ""
    language = translation.get_language() or "en"
    return texts.get(language) or texts.get("en") or ""


@register.filter
def srcset(thumbnails) -> str:
    """``url 320w, url 640w`` from stored thumbnail names by size name."""
    sizes = thumbnail_sizes()
    entries = sorted(
        (sizes[name], default_storage.url(path))
        for name, path in (thumbnails or {}).items()
        if name in sizes
    )
    return ", ".join(f"{url} {width}w" for width, url in entries)


@register.simple_tag(takes_context=True)
def absolute(context, path: str) -> str:
    """``path`` (or a URL already absolute) as an address on this marketplace's host."""
    if "://" in path:
        return path
    marketplace = context.get("marketplace")
    if marketplace is None:
        request = context.get("request")
        return request.build_absolute_uri(path) if request else path
    # One domain read per page, however many addresses it writes.
    cache = context.render_context.setdefault("site_absolute_root", {})
    if "root" not in cache:
        cache["root"] = marketplace.absolute_url("/").rstrip("/")
    return cache["root"] + path
