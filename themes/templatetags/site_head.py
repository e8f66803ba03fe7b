"""What the site's <head> loads early: the one font file the top of every page needs.

The header's brand and each page's first heading are set in the theme's heading face, bold;
the browser would find that file only after /theme.css arrived and the page laid out. A
``<link rel="preload">`` for it (the script of the page's language: Arabic on an Arabic page
when the face has it) starts the download with the stylesheets', so the heading swaps to its
face sooner. Only that one file: preloading every face would download faces a page never uses.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils import translation

from themes.fonts import FONTS

register = template.Library()
HEADING_WEIGHT = 700


@register.simple_tag
def heading_font_preload(theme) -> str:
    """The static URL of the heading face's file the page's first heading uses, or ""."""
    font = FONTS.get(getattr(theme, "font_heading", "") or "")
    if font is None:
        return ""
    wanted = "arabic" if translation.get_language_bidi() else "latin"
    subset = wanted if wanted in font.subsets else font.subsets[-1]
    weight = min(font.weights, key=lambda have: (abs(have - HEADING_WEIGHT), -have))
    for file_subset, file_weight, path in font.files():
        if (file_subset, file_weight) == (subset, weight):
            return static(path)
    return ""
