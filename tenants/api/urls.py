"""The operator API, /api/v1/operator/ (included by config/urls_public.py)."""

from django.urls import path

from tenants.api import auth, marketplaces

urlpatterns = [
    path("auth/login/", auth.OperatorLogin.as_view(), name="operator-auth-login"),
    path("auth/logout/", auth.OperatorLogout.as_view(), name="operator-auth-logout"),
    path("auth/tokens/", auth.OperatorTokenList.as_view(), name="operator-auth-tokens"),
    path("auth/tokens/<int:id>/", auth.OperatorTokenDetail.as_view(), name="operator-auth-token"),
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
]
