"""URLs of the operator host (public schema): console and operator API."""

from django.urls import include, path

from tenants.admin_sites import operator_site
from tenants.views import operator_home

urlpatterns = [
    path("", operator_home, name="operator-home"),
    path("admin/", operator_site.urls),
    path("api/v1/operator/", include("tenants.api_urls")),
    path("", include("config.docs_urls")),
]
