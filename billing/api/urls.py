"""billing's part of /api/v1/ (included by api/urls.py)."""

from django.urls import path

from billing.api import payouts, reports, wallet, withdrawals
from billing.api.auto_reload import AutoReloadDetailView, AutoReloadListView
from billing.api.connect import StripeOnboardingView
from billing.api.payments import PaymentDetailView, PaymentReturnView
from billing.api.providers import ProviderConfigureView, ProviderListView
from billing.api.top_ups import TopUpListCreateView
from billing.api.webhooks import PaymentWebhookView
from billing.providers.registry import DRIVERS

urlpatterns = [
    path("payouts/stripe/onboarding/", StripeOnboardingView.as_view(), name="stripe-onboarding"),
    path("wallet/balances/", wallet.WalletBalancesView.as_view(), name="wallet-balances"),
    path("wallet/ledger/", wallet.WalletLedgerView.as_view(), name="wallet-ledger"),
    path("payouts/", payouts.PayoutListView.as_view(), name="payouts"),
    path("payouts/account/", payouts.PayoutAccountView.as_view(), name="payout-account"),
    path("payouts/<slug:reference>/", payouts.PayoutDetailView.as_view(), name="payout-detail"),
    path(
        "payouts/<slug:reference>/confirm/",
        payouts.PayoutConfirmView.as_view(),
        name="payout-confirm",
    ),
    path("payouts/<slug:reference>/fail/", payouts.PayoutFailView.as_view(), name="payout-fail"),
    path(
        "payouts/<slug:reference>/cancel/", payouts.PayoutCancelView.as_view(), name="payout-cancel"
    ),
    path("withdrawals/", withdrawals.WithdrawalView.as_view(), name="withdrawals"),
    path(
        "withdrawals/settings/",
        withdrawals.WithdrawalSettingsView.as_view(),
        name="withdrawal-settings",
    ),
    path("reports/revenue/", reports.RevenueReportView.as_view(), name="revenue-report"),
    path("payment-providers/", ProviderListView.as_view(), name="payment-provider-list"),
    path(
        "payment-providers/<slug:code>/",
        ProviderConfigureView.as_view(),
        name="payment-provider-configure",
    ),
    path("wallet/top-ups/", TopUpListCreateView.as_view(), name="wallet-top-ups"),
    path("wallet/auto-reload/", AutoReloadListView.as_view(), name="wallet-auto-reloads"),
    path(
        "wallet/auto-reload/<str:currency>/",
        AutoReloadDetailView.as_view(),
        name="wallet-auto-reload",
    ),
    path("payments/<slug:reference>/", PaymentDetailView.as_view(), name="payment-detail"),
    path("payments/<slug:reference>/return/", PaymentReturnView.as_view(), name="payment-return"),
    *(
        path(
            f"payments/webhooks/{code}/",
            PaymentWebhookView.as_view(),
            {"provider": code},
            name=f"payment-webhook-{code}",
        )
        for code in DRIVERS
    ),
    # NassWallet posts to the merchant URL it was given with /callback appended.
    path(
        "payments/webhooks/nasswallet/callback",
        PaymentWebhookView.as_view(),
        {"provider": "nasswallet"},
        name="payment-webhook-nasswallet-callback",
    ),
]
