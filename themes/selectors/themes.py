"""Reading the theme: its values, its stylesheet, a draft's stylesheet (the live preview)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tenants.db import connection
from tenants.routing import process_cache_register, process_caches_live, publish_invalidation
from themes.css import theme_css
from themes.models import Theme
from themes.services.themes import theme_draft, theme_values

# Stylesheets by (schema, version): a theme's CSS changes only with its updated_at.
_stylesheets: dict[tuple[str, str], str] = {}
_KEEP = 512


def theme_get() -> Theme:
    """The marketplace's theme (every marketplace is seeded with one)."""
    return Theme.objects.get()


# The theme pages are drawn with, by schema: read once per process, not on every page. A saved
# theme clears it here at once and, through the routing cache's Redis invalidation, in every
# process (themes.apps connects theme_changed); nothing is kept while that subscription is down.
_page_themes: dict[str, Theme] = {}
process_cache_register(_page_themes.clear)


def theme_of_pages() -> Theme:
    """The theme as every page shows it, shared by the process's requests: read it, never
    change it (services take theme_get()'s own copy). Inside a transaction it is read afresh
    and not kept, since what the transaction sees may yet be rolled back."""
    schema = connection.schema_name
    theme = _page_themes.get(schema)
    if theme is None:
        theme = theme_get()
        if not connection.in_atomic_block and process_caches_live():
            _page_themes[schema] = theme
    return theme


def theme_changed(**kwargs) -> None:
    _page_themes.clear()
    transaction.on_commit(publish_invalidation)


def stylesheet_of(values: dict[str, Any]) -> str:
    return theme_css(
        light=values["light"],
        dark=values["dark"],
        dark_mode=values["dark_mode"],
        font_heading=values["font_heading"],
        font_body=values["font_body"],
        radius=values["radius"],
        custom_css=values["custom_css"],
    )


def theme_stylesheet(*, theme: Theme) -> str:
    key = (connection.schema_name, theme.version)
    css = _stylesheets.get(key)
    if css is None:
        if len(_stylesheets) >= _KEEP:
            _stylesheets.clear()
        css = _stylesheets[key] = stylesheet_of(theme_values(theme))
    return css


def theme_preview(*, changes: dict[str, Any]) -> str:
    """The stylesheet the theme would have with ``changes``; refused like theme_update,
    and nothing is saved."""
    return stylesheet_of(theme_draft(theme=theme_get(), changes=changes))
