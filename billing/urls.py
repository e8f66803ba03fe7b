"""Billing's pages on each marketplace's host (included by config/urls.py)."""

from django.urls import path

from billing.pages import payment_link_page

urlpatterns = [
    path("pay/<str:token>/", payment_link_page, name="payment-link"),
]
