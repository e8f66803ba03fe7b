"""URLs of a marketplace host (a tenant schema)."""

from django.contrib import admin
from django.urls import include, path

from themes.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("config.docs_urls")),
]
