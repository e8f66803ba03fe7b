"""The accounts API (``accounts/api_urls.py``): auth flows, API tokens, the logged-in user."""

from accounts.api.auth import (
    EmailVerifyView,
    LoginView,
    LogoutView,
    MagicLinkConfirmView,
    MagicLinkView,
    PasswordResetConfirmView,
    PasswordResetView,
    SignupView,
)
from accounts.api.me import MeView
from accounts.api.tokens import TokenDetailView, TokenListView

__all__ = [
    "EmailVerifyView",
    "LoginView",
    "LogoutView",
    "MagicLinkConfirmView",
    "MagicLinkView",
    "MeView",
    "PasswordResetConfirmView",
    "PasswordResetView",
    "SignupView",
    "TokenDetailView",
    "TokenListView",
]
