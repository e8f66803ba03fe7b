"""The operator API's marketplaces, /api/v1/operator/ (included by config/urls_public.py; the
operator's log-in and tokens are accounts' ``operator_urlpatterns``)."""

from django.urls import path

from tenants.api import marketplaces

urlpatterns = [
    path(
        "marketplaces/", marketplaces.MarketplaceListCreate.as_view(), name="operator-marketplaces"
    ),
    path(
        "marketplaces/<slug:slug>/",
        marketplaces.MarketplaceDetail.as_view(),
        name="operator-marketplace",
    ),
    path(
        "marketplaces/<slug:slug>/suspend/",
        marketplaces.MarketplaceSuspend.as_view(),
        name="operator-marketplace-suspend",
    ),
    path(
        "marketplaces/<slug:slug>/resume/",
        marketplaces.MarketplaceResume.as_view(),
        name="operator-marketplace-resume",
    ),
    path(
        "marketplaces/<slug:slug>/restore/",
        marketplaces.MarketplaceRestore.as_view(),
        name="operator-marketplace-restore",
    ),
    path(
        "marketplaces/<slug:slug>/usage/",
        marketplaces.MarketplaceUsageView.as_view(),
        name="operator-marketplace-usage",
    ),
]
