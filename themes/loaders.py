"""The marketplace's own templates first: a template loader placed before the file and app
loaders (settings.TEMPLATES), so a marketplace's staff change a page of the site without code.

Only names an override may have (``site/…html``, themes.models.overrides.OVERRIDE_PATH) are
looked up, and only in a marketplace's schema. Each process keeps, per schema, which paths are
overridden and when each was last changed (one query the first time a schema renders a page,
none afterwards): a change to an override clears that in this process at once and, through the
routing cache's Redis invalidation, in every process (``tenants.routing``); nothing is kept while
that subscription is down. Compiled overrides are kept per process by (schema, path,
updated_at), so an edited override is compiled once and a stale one is never served.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template import Origin, Template, TemplateDoesNotExist
from django.template.loaders.base import Loader
from django_tenants.utils import get_public_schema_name

from tenants.db import connection
from tenants.routing import process_cache_register, process_caches_live, publish_invalidation
from themes.models.overrides import OVERRIDE_PATH, TemplateOverride

_KEEP = 1024
# schema -> {overridden path: its updated_at}
_stamps: dict[str, dict[str, object]] = {}
_stamps_lock = threading.Lock()
process_cache_register(_stamps.clear)


def override_stamps(schema: str) -> dict[str, object]:
    """The schema's overridden paths and when each changed (this connection's schema)."""
    stamps = _stamps.get(schema)
    if stamps is None:
        stamps = dict(TemplateOverride.objects.values_list("path", "updated_at"))
        if process_caches_live():
            with _stamps_lock:
                _stamps[schema] = stamps
    return stamps


def _on_override_change(**kwargs) -> None:
    _stamps.clear()
    transaction.on_commit(publish_invalidation)


post_save.connect(_on_override_change, sender=TemplateOverride, dispatch_uid="override-save")
post_delete.connect(_on_override_change, sender=TemplateOverride, dispatch_uid="override-del")


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
        source = (
            TemplateOverride.objects.filter(path=origin.template_name)
            .values_list("source", flat=True)
            .first()
        )
        if source is None:
            raise TemplateDoesNotExist(origin)
        return source

    def get_template(self, template_name, skip=None):
        schema = self._schema()
        if not schema or not OVERRIDE_PATH.fullmatch(template_name):
            raise TemplateDoesNotExist(template_name)
        origin = next(iter(self.get_template_sources(template_name)))
        if skip and origin in skip:
            raise TemplateDoesNotExist(template_name, tried=[(origin, "Skipped")])
        row = override_stamps(schema).get(template_name)
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
