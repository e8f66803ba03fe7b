"""Writing the marketplace's theme: seeding it from the preset and its staff's changes.

Every change goes through ``theme_check``: colours are hex, fonts are ones the marketplace
serves (themes.fonts), hero texts are per language, custom CSS is safe (themes.css), and
every text/background pair of both schemes reads at WCAG AA (themes.contrast). A refused
change saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from config.errors import BusinessRuleViolation, InvalidInput
from tenants.presets import Preset
from themes.contrast import HEX_COLOUR, readability_failures
from themes.css import COLOUR_TOKENS, custom_css_check
from themes.fonts import FONT_CHOICES
from themes.models import Theme

EDITABLE = (
    "dark_mode",
    "light",
    "dark",
    "font_heading",
    "font_body",
    "radius",
    "hero_title",
    "hero_subtitle",
    "custom_css",
)
MAX_RADIUS = 48
HERO_LIMITS = {"hero_title": 120, "hero_subtitle": 240}


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, details={field: [message]})


def _check_colours(field: str, colours: Any) -> None:
    if not isinstance(colours, dict) or set(colours) != set(COLOUR_TOKENS):
        raise _invalid(
            field,
            _("Give exactly these colours: %(tokens)s.") % {"tokens": ", ".join(COLOUR_TOKENS)},
        )
    for token, value in colours.items():
        if not isinstance(value, str) or not HEX_COLOUR.fullmatch(value):
            raise _invalid(
                field, _("“%(token)s” must be a colour like #1a2b3c.") % {"token": token}
            )


def _check_texts(field: str, texts: Any) -> None:
    languages = {code for code, _name in settings.LANGUAGES}
    if not isinstance(texts, dict) or not set(texts) <= languages:
        raise _invalid(
            field, _("Give a text per language: %(codes)s.") % {"codes": ", ".join(languages)}
        )
    for text in texts.values():
        if not isinstance(text, str) or len(text) > HERO_LIMITS[field]:
            raise _invalid(
                field,
                _("Each text is at most %(limit)s characters.") % {"limit": HERO_LIMITS[field]},
            )


def theme_check(values: dict[str, Any]) -> None:
    """Refuse a theme's complete values: ``InvalidInput`` for malformed ones,
    ``BusinessRuleViolation`` (``contrast_too_low``) naming each pair below AA."""
    _check_colours("light", values["light"])
    _check_colours("dark", values["dark"])
    for field in ("font_heading", "font_body"):
        if values[field] not in FONT_CHOICES:
            raise _invalid(
                field,
                _("Choose one of the fonts served: %(fonts)s.")
                % {"fonts": ", ".join(FONT_CHOICES)},
            )
    radius = values["radius"]
    if isinstance(radius, bool) or not isinstance(radius, int) or not 0 <= radius <= MAX_RADIUS:
        raise _invalid(
            "radius", _("A whole number of pixels from 0 to %(max)s.") % {"max": MAX_RADIUS}
        )
    if not isinstance(values["dark_mode"], bool):
        raise _invalid("dark_mode", _("true or false."))
    _check_texts("hero_title", values["hero_title"])
    _check_texts("hero_subtitle", values["hero_subtitle"])
    if not isinstance(values["custom_css"], str):
        raise _invalid("custom_css", _("Text."))
    custom_css_check(values["custom_css"])
    failures = readability_failures("light", values["light"]) + readability_failures(
        "dark", values["dark"]
    )
    if failures:
        first = failures[0]
        raise BusinessRuleViolation(
            _(
                "The %(scheme)s colours do not read well enough: %(pair)s has a contrast of "
                "%(ratio).2f:1, below the 4.5:1 that WCAG AA asks."
            )
            % {"scheme": first.scheme, "pair": first.pair, "ratio": first.ratio},
            code="contrast_too_low",
            details={"pairs": [failure.as_detail() for failure in failures]},
        )


def theme_values(theme: Theme) -> dict[str, Any]:
    return {field: getattr(theme, field) for field in EDITABLE}


def theme_draft(*, theme: Theme, changes: dict[str, Any]) -> dict[str, Any]:
    """The theme's values with ``changes`` applied, checked; nothing is saved."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(
            _("Unknown theme fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            details={field: [_("Unknown field.")] for field in sorted(unknown)},
        )
    values = {**theme_values(theme), **changes}
    theme_check(values)
    return values


def theme_update(*, actor, **changes: Any) -> Theme:
    """Apply the staff's ``changes`` (any of ``EDITABLE``) to the theme, or refuse them all."""
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get()
        values = theme_draft(theme=theme, changes=changes)
        changed = [field for field in EDITABLE if getattr(theme, field) != values[field]]
        for field in changed:
            setattr(theme, field, values[field])
        theme.save(update_fields=[*changed, "updated_at"])
    return theme


def preset_theme_values(preset: Preset) -> dict[str, Any]:
    data = preset.theme
    fonts = data.get("fonts", {})
    return {
        "dark_mode": bool(data.get("dark_mode")),
        "light": data["light"],
        "dark": data["dark"],
        "font_heading": fonts.get("heading", "System"),
        "font_body": fonts.get("body", "System"),
        "radius": int(data.get("radius", 8)),
        "hero_title": data.get("hero_title", {}),
        "hero_subtitle": data.get("hero_subtitle", {}),
        "custom_css": data.get("custom_css", ""),
    }


def theme_seed(*, preset: Preset) -> dict[str, int]:
    """The preset's theme, for tenants.hooks, unless the marketplace has one."""
    if Theme.objects.exists():
        return {"theme": 0}
    values = preset_theme_values(preset)
    try:
        theme_check(values)
    except (InvalidInput, BusinessRuleViolation) as refused:
        raise ImproperlyConfigured(
            f"The theme of preset {preset.slug!r} is refused: {refused.message} {refused.details}"
        ) from refused
    Theme.objects.create(**values)
    return {"theme": 1}
