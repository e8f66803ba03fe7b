from django.urls import path

from tenants import views

urlpatterns = [
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
