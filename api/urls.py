from django.urls import include, path

from api import views

app_name = "api"

urlpatterns = [
    path("marketplace/", views.marketplace_detail, name="marketplace"),
    path("", include("accounts.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("realtime.api.urls")),
    path("", include("themes.api.urls")),
]
