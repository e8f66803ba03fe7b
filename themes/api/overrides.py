"""A marketplace's own templates, for the operator (on the operator host): list, read, write
(checked by compiling), delete. An override of ``site/home.html`` replaces the home page of
that marketplace only.

Operator-only on purpose: a Django template can walk from the objects in its context to any
model (``marketplace.domains.model.objects.all``), the public schema's included, so whoever
writes one can read every marketplace's rows. A marketplace's staff change their site through
the theme; the operator, who may read everything anyway, changes its templates."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsOperator
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED
from tenants.models import Marketplace
from themes.models import TemplateOverride
from themes.models.overrides import OVERRIDE_PATH
from themes.selectors.overrides import template_override_get, template_override_list
from themes.services.overrides import template_override_delete, template_override_put

TAGS = ["operator"]
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The marketplace.")
PATH = OpenApiParameter(
    "path",
    str,
    OpenApiParameter.PATH,
    pattern=rf"^{OVERRIDE_PATH.pattern}$",
    description="The template's path, e.g. `site/home.html`.",
    examples=[OpenApiExample("The home page", value="site/home.html")],
)


class TemplateOverrideSerializer(serializers.Serializer):
    path = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields
    updated_at = serializers.DateTimeField()


class TemplateOverrideBriefSerializer(serializers.Serializer):
    path = serializers.CharField()
    updated_at = serializers.DateTimeField()


class TemplateSourceSerializer(serializers.Serializer):
    source = serializers.CharField(  # type: ignore[assignment]  # DRF pops declared fields
        trim_whitespace=False, help_text="Django template source."
    )


def _marketplace(slug: str) -> Marketplace:
    from config.errors import NotFound

    found = Marketplace.objects.exclude(status=Marketplace.Status.DELETED).filter(slug=slug).first()
    if found is None:
        raise NotFound(_("No such marketplace."))
    return found


def _body(override: TemplateOverride) -> dict:
    return {"path": override.path, "source": override.source, "updated_at": override.updated_at}


class TemplateOverrideListView(APIView):
    permission_classes = [IsOperator]

    @extend_schema(
        tags=TAGS,
        summary="The templates this marketplace overrides.",
        responses={200: TemplateOverrideBriefSerializer(many=True), 401: UNAUTHENTICATED,
                   403: FORBIDDEN},
    )  # fmt: skip
    def get(self, request, slug: str):
        with tenant_context(_marketplace(slug)):
            rows = [{"path": o.path, "updated_at": o.updated_at} for o in template_override_list()]
        return Response(rows)


class TemplateOverrideDetailView(APIView):
    permission_classes = [IsOperator]

    @extend_schema(
        tags=TAGS,
        summary="One overridden template.",
        parameters=[SLUG, PATH],
        responses={200: TemplateOverrideSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: NOT_FOUND},
    )  # fmt: skip
    def get(self, request, slug: str, path: str):
        with tenant_context(_marketplace(slug)):
            return Response(_body(template_override_get(path=path)))

    @extend_schema(
        tags=TAGS,
        summary="Override a template of the site (a path like site/home.html).",
        parameters=[SLUG, PATH],
        description="Refused (400 `template_syntax`) when it does not compile; then nothing "
        "changes.",
        request=TemplateSourceSerializer,
        responses={200: TemplateOverrideSerializer, 201: TemplateOverrideSerializer,
                   400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN},
        examples=[OpenApiExample("A home page", request_only=True, value={
            "source": '{% extends "site/base.html" %}{% block main %}Hello{% endblock %}'})],
    )  # fmt: skip
    def put(self, request, slug: str, path: str):
        source = validated(TemplateSourceSerializer, request.data).validated_data["source"]
        with tenant_context(_marketplace(slug)):
            override, created = template_override_put(actor=request.user, path=path,
                                                      source=source)  # fmt: skip
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_body(override), status=code)

    @extend_schema(
        tags=TAGS,
        summary="Stop overriding a template: the default theme's serves again.",
        parameters=[SLUG, PATH],
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, slug: str, path: str):
        with tenant_context(_marketplace(slug)):
            template_override_delete(actor=request.user, path=path)
        return Response(status=status.HTTP_204_NO_CONTENT)
