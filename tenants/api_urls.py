from django.urls import path

from tenants import views

urlpatterns = [
    path("auth/login/", views.OperatorLogin.as_view(), name="operator-auth-login"),
    path("auth/logout/", views.OperatorLogout.as_view(), name="operator-auth-logout"),
    path("auth/tokens/", views.OperatorTokenList.as_view(), name="operator-auth-tokens"),
    path("auth/tokens/<int:id>/", views.OperatorTokenDetail.as_view(), name="operator-auth-token"),
    path("marketplaces/", views.MarketplaceListCreate.as_view(), name="operator-marketplaces"),
    path(
        "marketplaces/<slug:slug>/", views.MarketplaceDetail.as_view(), name="operator-marketplace"
    ),
    path(
        "marketplaces/<slug:slug>/suspend/",
        views.MarketplaceSuspend.as_view(),
        name="operator-marketplace-suspend",
    ),
    path(
        "marketplaces/<slug:slug>/resume/",
        views.MarketplaceResume.as_view(),
        name="operator-marketplace-resume",
    ),
    path(
        "marketplaces/<slug:slug>/restore/",
        views.MarketplaceRestore.as_view(),
        name="operator-marketplace-restore",
    ),
]
