"""The marketplace's own templates."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.errors import NotFound
from themes.models import TemplateOverride


def template_override_list() -> QuerySet[TemplateOverride]:
    return TemplateOverride.objects.order_by("path").only("path", "updated_at")


def template_override_get(*, path: str) -> TemplateOverride:
    override = TemplateOverride.objects.filter(path=path).first()
    if override is None:
        raise NotFound(_("This marketplace does not override that template."))
    return override
