"""API schema and Swagger UI, served on both sides: each host documents what it serves."""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

OPERATOR_SCHEMA_SETTINGS = {
    "TITLE": "Souk operator API",
    "DESCRIPTION": "The operator side, on the operator host only: log in as a staff user of "
    "the operator (public) schema, then launch, list, suspend, resume, delete and restore "
    "marketplaces. Operator tokens mean nothing on a marketplace host, nor marketplace tokens "
    "here.",
}


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema of this host's own URLconf.

    drf-spectacular walks ROOT_URLCONF (the marketplace's) unless told otherwise, whereas the
    routing middleware serves the operator host from PUBLIC_SCHEMA_URLCONF: without this the
    operator host documented ~80 paths it answers 404 to, and not its own.
    """

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # A fresh instance per request: setting these here never leaks into another request.
        self.urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        if self.urlconf == settings.PUBLIC_SCHEMA_URLCONF:
            self.custom_settings = OPERATOR_SCHEMA_SETTINGS
        return super().get(request, *args, **kwargs)


class SwaggerUIView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script comes from ``?script`` instead of being inline, as the
    Content-Security-Policy (script-src 'self', config/security.py) requires."""

    template_name = "souk/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The script holds the visitor's CSRF token: no other site may load it as a script.
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


urlpatterns = [
    path("api/v1/schema/", SchemaView.as_view(), name="schema"),
    path("api/v1/docs/", SwaggerUIView.as_view(url_name="schema"), name="swagger-ui"),
]
