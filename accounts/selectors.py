"""Account reads."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from accounts.models import User


def user_email_verified(*, user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
