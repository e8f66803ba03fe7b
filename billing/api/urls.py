"""billing's part of /api/v1/ (included by api/urls.py)."""

from django.urls import path

from billing.api.payments import PaymentDetailView
from billing.api.providers import ProviderConfigureView, ProviderListView
from billing.api.webhooks import PaymentWebhookView
from billing.providers.registry import DRIVERS

urlpatterns = [
    path("payment-providers/", ProviderListView.as_view(), name="payment-provider-list"),
    path(
        "payment-providers/<slug:code>/",
        ProviderConfigureView.as_view(),
        name="payment-provider-configure",
    ),
    path("payments/<slug:reference>/", PaymentDetailView.as_view(), name="payment-detail"),
    *(
        path(
            f"payments/webhooks/{code}/",
            PaymentWebhookView.as_view(),
            {"provider": code},
            name=f"payment-webhook-{code}",
        )
        for code in DRIVERS
    ),
]
