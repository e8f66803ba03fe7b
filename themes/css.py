"""A theme as CSS: its tokens as custom properties, its faces, and its sanitised custom CSS.

The custom CSS of a marketplace's staff is served on the marketplace's own host as part of
/theme.css, so it must not load anything from elsewhere nor escape into markup. It is refused
(never silently rewritten) when it is longer than ``CUSTOM_CSS_MAX_BYTES``, or holds ``@import``
or ``@namespace``, ``//`` anywhere outside comments (every absolute or protocol-relative URL,
in ``url()``, ``image-set()`` or a string), a ``url()`` with a scheme other than ``data:image/``,
``expression(``, ``javascript:``, ``vbscript:``, ``behavior:``, ``-moz-binding``, ``<`` (so no
``</style``), or a backslash (CSS escapes could spell any of these).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.templatetags.static import static
from django.utils.translation import gettext as _

from config.errors import InvalidInput
from themes.contrast import on_colour
from themes.fonts import FONTS, UNICODE_RANGES, font_stack

CUSTOM_CSS_MAX_BYTES = 20_000
COLOUR_TOKENS = ("primary", "accent", "background", "surface", "text", "muted", "success", "danger")

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_FORBIDDEN = (
    ("@import", "@import"),
    ("@namespace", "@namespace"),
    ("expression(", "expression("),
    ("javascript:", "javascript:"),
    ("vbscript:", "vbscript:"),
    ("behavior:", "behavior:"),
    ("-moz-binding", "-moz-binding"),
    ("<", "<"),
    ("\\", "\\"),
    ("//", "//"),
)


def _refuse(reason: str) -> InvalidInput:
    message = _("The custom CSS was refused: %(reason)s") % {"reason": reason}
    return InvalidInput(message, code="unsafe_css", details={"custom_css": [message]})


def custom_css_check(css: str) -> str:
    """``css`` as given when it is safe to serve, else ``InvalidInput`` (``unsafe_css``)."""
    if len(css.encode("utf-8")) > CUSTOM_CSS_MAX_BYTES:
        raise _refuse(_("it is longer than %(limit)s bytes.") % {"limit": CUSTOM_CSS_MAX_BYTES})
    if "\x00" in css:
        raise _refuse(_("it contains a NUL character."))
    code = _COMMENT.sub(" ", css)
    if "/*" in code:
        raise _refuse(_("a comment is not closed."))
    lowered = code.lower()
    for needle, shown in _FORBIDDEN:
        if needle in lowered:
            raise _refuse(_("“%(text)s” is not allowed.") % {"text": shown})
    for _quote, target in _URL.findall(code):
        target = target.strip()
        if _SCHEME.match(target) and not target.lower().startswith("data:image/"):
            raise _refuse(_("url() may only name a file of this site."))
    return css


def _font_faces(families: list[str]) -> list[str]:
    faces = []
    for family in dict.fromkeys(families):
        font = FONTS.get(family)
        if font is None:
            continue
        for subset, weight, path in font.files():
            faces.append(
                "@font-face {"
                f' font-family: "{font.family}"; font-style: normal; font-weight: {weight};'
                f' font-display: swap; src: url("{static(path)}") format("woff2");'
                f" unicode-range: {UNICODE_RANGES[subset]}; }}"
            )
    return faces


def _properties(colours: Mapping[str, str], scheme: str) -> str:
    lines = [f"  --color-{token}: {colours[token]};" for token in COLOUR_TOKENS]
    on_primary = on_colour(colours["primary"], fallback=colours["background"])
    lines.append(f"  --color-on-primary: {on_primary};")
    lines.append(f"  color-scheme: {scheme};")
    return "\n".join(lines)


def theme_css(
    *,
    light: Mapping[str, str],
    dark: Mapping[str, str],
    dark_mode: bool,
    font_heading: str,
    font_body: str,
    radius: int,
    custom_css: str,
) -> str:
    """The stylesheet of one theme (colours already checked as hex). The default scheme
    (dark when ``dark_mode``) is on :root; ``[data-theme=light|dark]`` picks one; a light
    theme follows the visitor's dark preference too, a dark one is dark by design."""
    default, other = ("dark", "light") if dark_mode else ("light", "dark")
    schemes = {"light": light, "dark": dark}
    parts = _font_faces([font_heading, font_body])
    parts.append(
        ":root {\n"
        f"{_properties(schemes[default], default)}\n"
        f"  --font-heading: {font_stack(font_heading)};\n"
        f"  --font-body: {font_stack(font_body)};\n"
        f"  --radius: {int(radius)}px;\n"
        "}"
    )
    parts.append(f':root[data-theme="{default}"] {{\n{_properties(schemes[default], default)}\n}}')
    parts.append(f':root[data-theme="{other}"] {{\n{_properties(schemes[other], other)}\n}}')
    if not dark_mode:
        parts.append(
            "@media (prefers-color-scheme: dark) {\n"
            f':root:not([data-theme="light"]) {{\n{_properties(dark, "dark")}\n}}\n}}'
        )
    if custom_css.strip():
        parts.append("/* The marketplace's own CSS */\n" + custom_css)
    return "\n".join(parts) + "\n"
