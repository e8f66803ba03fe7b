"""URLs of the operator host (public schema): console and operator API."""

from django.urls import include, path

from accounts.api.urls import operator_urlpatterns
from tenants.admin_sites import operator_site
from tenants.views import operator_home
from themes.api.urls import operator_urlpatterns as theme_operator_urlpatterns

urlpatterns = [
    path("", operator_home, name="operator-home"),
    path("admin/", operator_site.urls),
    path("api/v1/operator/", include(operator_urlpatterns)),
    path("api/v1/operator/", include("tenants.api.urls")),
    path("api/v1/operator/", include(theme_operator_urlpatterns)),
    path("", include("config.urls_docs")),
]

# Under /api/ in the API's JSON error shape, elsewhere Django's pages (api/handlers.py).
handler400 = "api.handlers.bad_request"
handler403 = "api.handlers.permission_denied"
handler404 = "api.handlers.page_not_found"
handler500 = "api.handlers.server_error"
