"""The two admin sites, one per side of the schema boundary.

A marketplace host (a tenant schema) serves ``marketplace_site``: only models whose tables live
in each marketplace's schema, administered by that marketplace's staff (its owner is a
superuser there and nowhere else). The operator host (the public schema) serves
``operator_site``: marketplaces and their domains, audit rows, spare schemas, the operator's
own users and dj-stripe's shared tables, administered by the operator's staff.

Django's default ``admin.site`` is mounted nowhere: third-party apps register all their models
on it whichever side their tables live on, and PostgreSQL's search path lets a marketplace
schema read the public tables, so the default site on a marketplace host lists every
marketplace. Each site refuses, when registering, a model of the other side, and lets nobody
in when it runs on the other side's schema (should a URLconf ever mount it there).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from tenants.db import connection


def _public_schema() -> str:
    return getattr(settings, "PUBLIC_SCHEMA_NAME", "public")


class _OneSideAdminSite(admin.AdminSite):
    """An admin site that serves one side of the schema boundary only: the operator's (the
    public schema, ``SHARED_APPS``) or a marketplace's (its schema, ``TENANT_APPS``)."""

    operator_side: bool

    def serves(self, request: HttpRequest) -> bool:
        marketplace = getattr(request, "tenant", None)
        if self.operator_side:
            return marketplace is None and connection.schema_name == _public_schema()
        return (
            marketplace is not None
            and connection.schema_name != _public_schema()
            and connection.schema_name == marketplace.schema_name
        )

    def accepts(self, model) -> bool:
        apps = settings.SHARED_APPS if self.operator_side else settings.TENANT_APPS
        return model._meta.app_config.name in apps

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models:
            if not self.accepts(model):
                raise ImproperlyConfigured(
                    f"{model._meta.label} lives on the other side of the schema boundary "
                    f"and cannot be registered on the {self.name!r} site {type(self).__name__}."
                )
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return self.serves(request) and super().has_permission(request)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super().get_urls()
        # "View on site" looks any content type up, registered here or not.
        return [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def view_on_site(
        self, request: HttpRequest, content_type_id: int, object_id: str
    ) -> HttpResponse:
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        if content_type is None or content_type.model_class() not in self._registry:
            raise Http404("No such object.")
        return shortcut(request, content_type_id, object_id)


class MarketplaceAdminSite(_OneSideAdminSite):
    site_header = "Marketplace administration"
    site_title = "Marketplace admin"
    operator_side = False

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        marketplace = getattr(request, "tenant", None)
        if marketplace is not None:
            context["site_header"] = context["site_title"] = marketplace.name
        return context


class OperatorAdminSite(_OneSideAdminSite):
    site_header = "Souk operator administration"
    site_title = "Souk operator admin"
    operator_side = True


# Both keep the name "admin": each URLconf mounts one of them, and reverse("admin:...") in
# Django's and dj-stripe's admin code must resolve on either.
marketplace_site = MarketplaceAdminSite(name="admin")
operator_site = OperatorAdminSite(name="admin")
