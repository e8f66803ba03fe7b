"""Reading the theme: its values, its stylesheet, a draft's stylesheet (the live preview)."""

from __future__ import annotations

from typing import Any

from tenants.db import connection
from themes.css import theme_css
from themes.models import Theme
from themes.services.themes import theme_draft, theme_values

# Stylesheets by (schema, version): a theme's CSS changes only with its updated_at.
_stylesheets: dict[tuple[str, str], str] = {}
_KEEP = 512


def theme_get() -> Theme:
    """The marketplace's theme (every marketplace is seeded with one)."""
    return Theme.objects.get()


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
