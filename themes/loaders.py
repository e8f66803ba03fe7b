"""The marketplace's own templates first: a template loader placed before the file and app
loaders (settings.TEMPLATES), so a marketplace's staff change a page of the site without code.

Only names an override may have (``site/…html``, themes.models.overrides.OVERRIDE_PATH) cost a
query, and only in a marketplace's schema: one indexed read of the override's ``updated_at``.
Compiled overrides are kept per process by (schema, path, updated_at), so an edited override
is compiled once and a stale one is never served.
"""

from __future__ import annotations

from django.template import Origin, Template, TemplateDoesNotExist
from django.template.loaders.base import Loader
from django_tenants.utils import get_public_schema_name

from tenants.db import connection
from themes.models.overrides import OVERRIDE_PATH

_KEEP = 1024


class MarketplaceLoader(Loader):
    def __init__(self, engine):
        super().__init__(engine)
        self.compiled: dict[tuple[str, str, object], Template] = {}

    @staticmethod
    def _schema() -> str | None:
        schema = getattr(connection, "schema_name", None)
        if not schema or schema == get_public_schema_name():
            return None
        return schema

    def get_template_sources(self, template_name):
        schema = self._schema()
        if schema and OVERRIDE_PATH.fullmatch(template_name):
            yield Origin(
                name=f"marketplace:{schema}:{template_name}",
                template_name=template_name,
                loader=self,
            )

    def get_contents(self, origin):
        from themes.models import TemplateOverride

        source = (
            TemplateOverride.objects.filter(path=origin.template_name)
            .values_list("source", flat=True)
            .first()
        )
        if source is None:
            raise TemplateDoesNotExist(origin)
        return source

    def get_template(self, template_name, skip=None):
        from themes.models import TemplateOverride

        schema = self._schema()
        if not schema or not OVERRIDE_PATH.fullmatch(template_name):
            raise TemplateDoesNotExist(template_name)
        origin = next(iter(self.get_template_sources(template_name)))
        if skip and origin in skip:
            raise TemplateDoesNotExist(template_name, tried=[(origin, "Skipped")])
        row = (
            TemplateOverride.objects.filter(path=template_name)
            .values_list("updated_at", flat=True)
            .first()
        )
        if row is None:
            raise TemplateDoesNotExist(template_name, tried=[(origin, "No override")])
        key = (schema, template_name, row)
        template = self.compiled.get(key)
        if template is None:
            if len(self.compiled) >= _KEEP:
                self.compiled.clear()
            template = Template(self.get_contents(origin), origin, template_name, self.engine)
            self.compiled[key] = template
        return template

    def reset(self):
        self.compiled.clear()
