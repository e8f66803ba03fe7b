"""themes' part of /api/v1/ (included by api/urls.py) and of the operator API."""

from django.urls import path, re_path

from themes.api.overrides import TemplateOverrideDetailView, TemplateOverrideListView
from themes.api.themes import ThemeFileView, ThemePreviewView, ThemeView
from themes.models.overrides import OVERRIDE_PATH

urlpatterns = [
    path("theme/", ThemeView.as_view(), name="theme"),
    path("theme/preview/", ThemePreviewView.as_view(), name="theme-preview"),
    path(
        "theme/files/<str:kind>/",
        ThemeFileView.as_view(),
        name="theme-file",
    ),
]

# On the operator host, under /api/v1/operator/ (config/urls_public.py): a marketplace's own
# templates are the operator's to write (themes/api/overrides.py says why).
operator_urlpatterns = [
    path(
        "marketplaces/<slug:slug>/templates/",
        TemplateOverrideListView.as_view(),
        name="operator-templates",
    ),
    re_path(
        rf"^marketplaces/(?P<slug>[-a-z0-9]+)/templates/(?P<path>{OVERRIDE_PATH.pattern})$",
        TemplateOverrideDetailView.as_view(),
        name="operator-template",
    ),
]
