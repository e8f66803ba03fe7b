from themes.models.overrides import TemplateOverride
from themes.models.theme import Theme

__all__ = ["TemplateOverride", "Theme"]
