from django.urls import path

from billing.api.webhooks import PaymentWebhookView
from billing.providers.registry import DRIVERS

urlpatterns = [
    path(
        f"payments/webhooks/{code}/",
        PaymentWebhookView.as_view(),
        {"provider": code},
        name=f"payment-webhook-{code}",
    )
    for code in DRIVERS
]
