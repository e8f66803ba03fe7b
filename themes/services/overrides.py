"""The marketplace's own templates: checked by compiling them before they are saved."""

from __future__ import annotations

from django.db import transaction
from django.template import TemplateSyntaxError, engines
from django.utils.translation import gettext as _

from config.errors import InvalidInput, NotFound
from themes.models import TemplateOverride
from themes.models.overrides import OVERRIDE_MAX_BYTES, OVERRIDE_PATH

# Tags that would show the context (settings included) to whoever views the page.
FORBIDDEN_TAGS = ("{% debug", "{%debug")


def override_path_check(path: str) -> str:
    if not OVERRIDE_PATH.fullmatch(path):
        raise InvalidInput(
            _("Only the site's templates may be overridden: a path like site/home.html."),
            code="invalid_path",
            details={"path": [_("A path like site/home.html.")]},
        )
    return path


def template_source_check(source: str) -> None:
    if len(source.encode("utf-8")) > OVERRIDE_MAX_BYTES:
        message = _("A template is at most %(limit)s bytes.") % {"limit": OVERRIDE_MAX_BYTES}
        raise InvalidInput(message, details={"source": [message]})
    if any(tag in source for tag in FORBIDDEN_TAGS):
        message = _("The debug tag is not allowed in a template.")
        raise InvalidInput(message, details={"source": [message]})
    try:
        engines["django"].from_string(source)
    except TemplateSyntaxError as error:
        message = _("The template does not compile: %(error)s") % {"error": error}
        raise InvalidInput(message, code="template_syntax", details={"source": [message]}) from None


def template_override_put(*, actor, path: str, source: str) -> tuple[TemplateOverride, bool]:
    """Create or replace the override of ``path``; refuse a template that does not compile.
    Returns the override and whether it was created."""
    override_path_check(path)
    template_source_check(source)
    with transaction.atomic():
        override, created = TemplateOverride.objects.select_for_update().get_or_create(
            path=path, defaults={"source": source}
        )
        if not created:
            override.source = source
            override.save(update_fields=["source", "updated_at"])
    return override, created


def template_override_delete(*, actor, path: str) -> None:
    deleted, _rows = TemplateOverride.objects.filter(path=path).delete()
    if not deleted:
        raise NotFound(_("This marketplace does not override that template."))
