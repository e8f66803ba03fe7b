"""The typefaces a marketplace may choose, all served by the marketplace itself.

Each comes from an @fontsource package on npm (package.json, installed by ``make`` with
``npm ci``); ``scripts/fonts.py`` copies the woff2 files listed here into the git-ignored
``.local/fonts/``, which settings.STATICFILES_DIRS serves under ``static/fonts/``. A face's
file is ``<id>-<subset>-<weight>-normal.woff2``, fontsource's own naming. No page ever asks
another host for a font.
"""

from __future__ import annotations

from dataclasses import dataclass

UNICODE_RANGES = {
    "latin": (
        "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, "
        "U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, "
        "U+FEFF, U+FFFD"
    ),
    "arabic": (
        "U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, "
        "U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC"
    ),
}


@dataclass(frozen=True)
class Font:
    family: str
    package: str  # the npm package, without the @fontsource/ scope
    fallback: str  # the generic family after it
    subsets: tuple[str, ...] = ("latin",)
    weights: tuple[int, ...] = (400, 700)

    def files(self) -> list[tuple[str, int, str]]:
        """(subset, weight, static path) of every file this face needs."""
        return [
            (subset, weight, f"fonts/{self.package}-{subset}-{weight}-normal.woff2")
            for subset in self.subsets
            for weight in self.weights
        ]

    @property
    def stack(self) -> str:
        return f'"{self.family}", {self.fallback}'


SYSTEM_SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

FONTS: dict[str, Font] = {
    font.family: font
    for font in (
        Font("Inter", "inter", SYSTEM_SANS),
        Font("Poppins", "poppins", SYSTEM_SANS),
        Font("Oswald", "oswald", SYSTEM_SANS),
        Font("Bebas Neue", "bebas-neue", SYSTEM_SANS, weights=(400,)),
        Font("Alex Brush", "alex-brush", "cursive", weights=(400,)),
        Font("Playfair Display", "playfair-display", "Georgia, serif"),
        Font("Cairo", "cairo", SYSTEM_SANS, subsets=("arabic", "latin")),
    )
}
# Not a file: the visitor's own interface face.
SYSTEM = "System"
FONT_CHOICES = [SYSTEM, *FONTS]


def font_stack(family: str) -> str:
    font = FONTS.get(family)
    return font.stack if font else SYSTEM_SANS
