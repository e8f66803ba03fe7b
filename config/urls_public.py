"""URLs of the operator host (public schema): console and operator API."""

from django.contrib import admin
from django.urls import include, path

from tenants.views import operator_home

urlpatterns = [
    path("", operator_home, name="operator-home"),
    path("admin/", admin.site.urls),
    path("api/v1/operator/", include("tenants.api_urls")),
    path("", include("config.docs_urls")),
]
