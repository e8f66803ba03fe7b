from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


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
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SwaggerUIView.as_view(url_name="schema"), name="swagger-ui"),
]
