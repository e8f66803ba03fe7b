"""Numbers per the page's locale (Babel), for the discovery pages: ratings and distances."""

from __future__ import annotations

from babel.numbers import format_decimal
from django import template
from django.utils import translation

register = template.Library()


@register.filter
def number(value, digits: int = 1) -> str:
    """``{{ rating|number }}``: a figure with at most ``digits`` decimals, in the page's
    locale ("4.5", "٤٫٥" in Arabic)."""
    if value is None or value == "":
        return ""
    locale = (translation.get_language() or "en").replace("-", "_")
    return format_decimal(value, format="#,##0." + "#" * int(digits), locale=locale)
