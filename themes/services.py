"""The marketplace's theme."""

from __future__ import annotations

from tenants.presets import Preset
from themes.models import Theme


def theme_seed(*, preset: Preset) -> dict[str, int]:
    """The preset's theme, for tenants.hooks, unless the marketplace has one."""
    if Theme.objects.exists():
        return {"theme": 0}
    Theme.objects.create(
        dark_mode=bool(preset.theme.get("dark_mode")),
        tokens={key: value for key, value in preset.theme.items() if key != "dark_mode"},
    )
    return {"theme": 1}
