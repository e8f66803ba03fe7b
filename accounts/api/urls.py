"""The accounts' part of /api/v1/ (included by api/urls.py) and of the operator API,
/api/v1/operator/ on the operator host (``operator_urlpatterns``, included by
config/urls_public.py)."""

from django.urls import path

from accounts.api import auth, me, operator, tokens

urlpatterns = [
    path("auth/signup/", auth.SignupView.as_view(), name="auth-signup"),
    path("auth/login/", auth.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/email/verify/", auth.EmailVerifyView.as_view(), name="auth-email-verify"),
    path("auth/password/reset/", auth.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        auth.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/magic-link/", auth.MagicLinkView.as_view(), name="auth-magic-link"),
    path(
        "auth/magic-link/confirm/",
        auth.MagicLinkConfirmView.as_view(),
        name="auth-magic-link-confirm",
    ),
    path("auth/tokens/", tokens.TokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:id>/", tokens.TokenDetailView.as_view(), name="auth-token"),
    path("me/", me.MeView.as_view(), name="me"),
]

operator_urlpatterns = [
    path("auth/login/", operator.OperatorLogin.as_view(), name="operator-auth-login"),
    path("auth/logout/", operator.OperatorLogout.as_view(), name="operator-auth-logout"),
    path("auth/tokens/", operator.OperatorTokenList.as_view(), name="operator-auth-tokens"),
    path(
        "auth/tokens/<int:id>/", operator.OperatorTokenDetail.as_view(), name="operator-auth-token"
    ),
]
