"""checkout pages of the branded site: booking a listing, paying, the return page, the wallet."""

from django.urls import path

from themes.pages.checkout.booking import book
from themes.pages.checkout.checkout import (
    checkout_accept,
    checkout_booking,
    checkout_payment,
    checkout_payment_return,
    checkout_return,
    checkout_status,
)
from themes.pages.checkout.wallet import wallet, wallet_auto_reload

urlpatterns: list = [
    path("book/<slug:slug>/", book, name="checkout-book"),
    path("checkout/booking/<int:booking_id>/", checkout_booking, name="checkout-booking"),
    path("checkout/booking/<int:booking_id>/accept/", checkout_accept, name="checkout-accept"),
    path("checkout/return/<str:key>/", checkout_return, name="checkout-return"),
    path("checkout/<str:reference>/", checkout_payment, name="checkout-payment"),
    path(
        "checkout/<str:reference>/return/",
        checkout_payment_return,
        name="checkout-payment-return",
    ),
    path("checkout/<str:reference>/status/", checkout_status, name="checkout-status"),
    path("wallet/", wallet, name="checkout-wallet"),
    path("wallet/auto-reload/", wallet_auto_reload, name="checkout-wallet-auto-reload"),
]
