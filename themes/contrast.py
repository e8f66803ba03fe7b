"""Contrast of two colours as WCAG 2.x defines it, and the pairs a theme must keep readable.

Relative luminance: each sRGB channel in 0–1 is linearised (``c / 12.92`` up to 0.04045,
else ``((c + 0.055) / 1.055) ** 2.4``), then weighted 0.2126 R + 0.7152 G + 0.0722 B. The
contrast ratio is ``(L_lighter + 0.05) / (L_darker + 0.05)``, from 1:1 to 21:1. AA asks
4.5:1 for body text. Pure functions: no Django, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AA_TEXT = 4.5
WHITE = "#ffffff"
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``#rgb`` or ``#rrggbb`` as 0–255 channels; ``ValueError`` for anything else."""
    if not HEX_COLOUR.fullmatch(colour):
        raise ValueError(f"Not a hex colour: {colour!r}")
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def on_colour(fill: str, *, fallback: str) -> str:
    """The text colour for a ``fill`` (a button): white when white reads on it at AA, else
    ``fallback`` (the page background) when that reads better."""
    if contrast_ratio(WHITE, fill) >= AA_TEXT:
        return WHITE
    return fallback if contrast_ratio(fallback, fill) > contrast_ratio(WHITE, fill) else WHITE


@dataclass(frozen=True)
class Failure:
    scheme: str
    pair: str
    foreground: str
    background: str
    ratio: float

    def as_detail(self) -> dict:
        return {
            "scheme": self.scheme,
            "pair": self.pair,
            "foreground": self.foreground,
            "background": self.background,
            "ratio": round(self.ratio, 2),
            "required": AA_TEXT,
        }


def readability_failures(scheme: str, colours: dict[str, str]) -> list[Failure]:
    """The text/background pairs of one colour scheme below AA: text on background and on
    surface, the button's text on primary, muted text on background."""
    button_text = on_colour(colours["primary"], fallback=colours["background"])
    pairs = [
        ("text on background", colours["text"], colours["background"]),
        ("text on surface", colours["text"], colours["surface"]),
        ("button text on primary", button_text, colours["primary"]),
        ("muted on background", colours["muted"], colours["background"]),
    ]
    failures = []
    for name, foreground, background in pairs:
        ratio = contrast_ratio(foreground, background)
        if ratio < AA_TEXT:
            failures.append(Failure(scheme, name, foreground, background, ratio))
    return failures
