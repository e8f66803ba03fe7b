from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/signup/", api.SignupView.as_view(), name="auth-signup"),
    path("auth/login/", api.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/email/verify/", api.EmailVerifyView.as_view(), name="auth-email-verify"),
    path("auth/password/reset/", api.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        api.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/magic-link/", api.MagicLinkView.as_view(), name="auth-magic-link"),
    path(
        "auth/magic-link/confirm/",
        api.MagicLinkConfirmView.as_view(),
        name="auth-magic-link-confirm",
    ),
    path("auth/tokens/", api.TokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:id>/", api.TokenDetailView.as_view(), name="auth-token"),
    path("me/", api.MeView.as_view(), name="me"),
]
