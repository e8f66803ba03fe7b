"""The theme editor's forms: one field per token, validated by the API's own serializer
(themes.api.themes.ThemeChangeSerializer) and refused by the same service; a contrast refusal is
put beside the colours of each pair it names."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.errors import ServiceError
from themes.api.themes import ThemeChangeSerializer
from themes.css import COLOUR_TOKENS, CUSTOM_CSS_MAX_BYTES
from themes.fonts import FONT_CHOICES
from themes.models import Theme
from themes.pages.common import form_refusal
from themes.services.themes import MAX_RADIUS

SCHEMES = {"light": _("Light colours"), "dark": _("Dark colours")}
TOKEN_LABELS = {
    "primary": _("Primary"),
    "accent": _("Accent"),
    "background": _("Background"),
    "surface": _("Surface"),
    "text": _("Text"),
    "muted": _("Muted text"),
    "success": _("Success"),
    "danger": _("Danger"),
}
HERO = {"hero_title": (_("Hero title"), 120), "hero_subtitle": (_("Hero subtitle"), 240)}
# Which colours of a scheme a contrast pair (themes.contrast.readability_failures) is made of.
PAIR_TOKENS = {
    "text on background": ("text", "background"),
    "text on surface": ("text", "surface"),
    "button text on primary": ("primary",),
    "muted on background": ("muted", "background"),
}
PAIR_LABELS = {
    "text on background": _("text on background"),
    "text on surface": _("text on surface"),
    "button text on primary": _("button text on primary"),
    "muted on background": _("muted text on background"),
}


def _six_digits(colour: str) -> str:
    """A colour input shows only #rrggbb: #abc is #aabbcc."""
    if len(colour) == 4:
        return "#" + "".join(2 * digit for digit in colour[1:])
    return colour.lower()


class ThemeForm(forms.Form):
    """Every editable token of the theme; ``changes()`` after ``is_valid()`` gives what the
    theme services take."""

    dark_mode = forms.BooleanField(
        label=_("Dark by default"),
        required=False,
        help_text=_("Else light, following the visitor's dark preference."),
    )
    font_heading = forms.ChoiceField(label=_("Heading font"), choices=())
    font_body = forms.ChoiceField(label=_("Body font"), choices=())
    radius = forms.IntegerField(
        label=_("Corner radius (pixels)"), min_value=0, max_value=MAX_RADIUS
    )
    custom_css = forms.CharField(
        label=_("Custom CSS"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custom_css"].help_text = gettext(
            "At most %(limit)s bytes; files of this site only."
        ) % {"limit": CUSTOM_CSS_MAX_BYTES}
        fonts = [(font, font) for font in FONT_CHOICES]
        cast(forms.ChoiceField, self.fields["font_heading"]).choices = fonts
        cast(forms.ChoiceField, self.fields["font_body"]).choices = fonts
        for scheme in SCHEMES:
            for token in COLOUR_TOKENS:
                self.fields[f"{scheme}_{token}"] = forms.CharField(
                    label=TOKEN_LABELS[token],
                    max_length=7,
                    widget=forms.TextInput(attrs={"type": "color"}),
                )
        for field, (label, limit) in HERO.items():
            for code, name in settings.LANGUAGES:
                self.fields[f"{field}_{code}"] = forms.CharField(
                    label=f"{label} ({name})",
                    required=False,
                    max_length=limit,
                    widget=forms.TextInput(attrs={"lang": code, "dir": "auto"}),
                )

    @classmethod
    def initial_of(cls, theme: Theme) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "dark_mode": theme.dark_mode,
            "font_heading": theme.font_heading,
            "font_body": theme.font_body,
            "radius": theme.radius,
            "custom_css": theme.custom_css,
        }
        for scheme in SCHEMES:
            colours = getattr(theme, scheme) or {}
            for token in COLOUR_TOKENS:
                initial[f"{scheme}_{token}"] = _six_digits(colours.get(token, "#000000"))
        for field in HERO:
            texts = getattr(theme, field) or {}
            for code, _name in settings.LANGUAGES:
                initial[f"{field}_{code}"] = texts.get(code, "")
        return initial

    def scheme_fields(self) -> list[tuple[str, list]]:
        return [
            (str(label), [self[f"{scheme}_{token}"] for token in COLOUR_TOKENS])
            for scheme, label in SCHEMES.items()
        ]

    def hero_fields(self) -> list:
        return [self[f"{field}_{code}"] for field in HERO for code, _name in settings.LANGUAGES]

    def clean(self):
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        payload = {
            "dark_mode": cleaned["dark_mode"],
            "font_heading": cleaned["font_heading"],
            "font_body": cleaned["font_body"],
            "radius": cleaned["radius"],
            "custom_css": cleaned["custom_css"],
        }
        for scheme in SCHEMES:
            payload[scheme] = {token: cleaned[f"{scheme}_{token}"] for token in COLOUR_TOKENS}
        for field in HERO:
            payload[field] = {
                code: cleaned[f"{field}_{code}"] for code, _name in settings.LANGUAGES
            }
        serializer = ThemeChangeSerializer(data=payload)
        if not serializer.is_valid():
            self._serializer_errors(serializer.errors)
        else:
            self._changes = serializer.validated_data
        return cleaned

    def _serializer_errors(self, errors: dict) -> None:
        for name, found in errors.items():
            if isinstance(found, dict):  # a scheme's colours or a text per language
                for part, messages in found.items():
                    target = f"{name}_{part}"
                    for message in messages:
                        self.add_error(target if target in self.fields else None, str(message))
            else:
                for message in found:
                    self.add_error(name if name in self.fields else None, str(message))

    def changes(self) -> dict[str, Any]:
        return dict(self._changes)

    def refuse(self, error: ServiceError) -> int:
        """The service's refusal beside its fields: a contrast pair beside each of its colours."""
        pairs = (error.details or {}).get("pairs")
        if error.code != "contrast_too_low" or not pairs:
            return form_refusal(self, error)
        for pair in pairs:
            message = gettext(
                "Contrast of %(pair)s is %(ratio)s:1, below the %(required)s:1 WCAG AA asks."
            ) % {
                "pair": PAIR_LABELS.get(pair["pair"], pair["pair"]),
                "ratio": pair["ratio"],
                "required": pair["required"],
            }
            for token in PAIR_TOKENS.get(pair["pair"], ()):
                self.add_error(f"{pair['scheme']}_{token}", message)
        self.add_error(None, error.message)
        return error.status


class ThemeFileForm(forms.Form):
    file = forms.FileField(label=_("Image file"), help_text=_("JPEG, PNG, WebP or GIF."))
