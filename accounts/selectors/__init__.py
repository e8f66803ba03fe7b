"""Account reads."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import QuerySet

from accounts.models import ApiToken, User
from tenants.db import connection


def user_email_verified(*, user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def marketplace_languages() -> list[str]:
    """The languages this marketplace offers (all of settings.LANGUAGES off a marketplace)."""
    languages = getattr(getattr(connection, "tenant", None), "languages", None)
    return list(languages or [code for code, _ in settings.LANGUAGES])
