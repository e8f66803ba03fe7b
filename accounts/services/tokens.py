"""API tokens: one per user and marketplace (DRF authtoken, in the marketplace's schema)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.selectors import user_email_verified
from accounts.services._common import queue_mail
from config.errors import AuthenticationFailed, NotAllowed

# At most one verification mail per this many seconds is triggered by log-in attempts.
VERIFICATION_RESEND_INTERVAL = 180


def token_login(*, email: str, password: str) -> Token:
    """Exchange an e-mail address and password for this marketplace's API token."""
    user = authenticate(email=email.strip(), password=password)
    if user is None:
        raise AuthenticationFailed(
            "The e-mail address or the password is not correct.", code="invalid_credentials"
        )
    if not user_email_verified(user=user):
        resend_key = f"accounts:verification-resent:{user.pk}:{user.date_joined.timestamp()}"
        if cache.add(resend_key, 1, VERIFICATION_RESEND_INTERVAL):
            queue_mail("send_verification_email", user_id=user.pk, signup=False)
        raise NotAllowed(
            "Confirm your e-mail address first: follow the link we sent you.",
            code="email_unverified",
        )
    return token_issue(user=user)


def token_logout(*, user: User) -> None:
    """Revoke the user's API token on this marketplace."""
    Token.objects.filter(user=user).delete()


def token_issue(*, user: User) -> Token:
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        token, _ = Token.objects.get_or_create(user=user)
    return token
