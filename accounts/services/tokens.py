"""API tokens: one per log-in (device, app), in the marketplace's schema.

A key is shown once, at issue; only its SHA-256 is stored. Tokens expire a fixed
``SOUK_TOKEN_TTL_DAYS`` after issue (not sliding: a stolen key dies on time, however much it
is used). Each token holds a fingerprint of the password hash it was issued under, as
Django's sessions do: a password changed by any path (API, allauth's pages, the admin,
``manage.py changepassword``, ``set_password`` in a shell) leaves every older token
unusable, and the services that change passwords also delete them outright.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.selectors import user_email_verified
from accounts.services._common import queue_mail
from accounts.services.login_limits import login_guarded
from api.throttles import client_address
from config.errors import AuthenticationFailed, NotAllowed, NotFound
from tenants.cells import unless_read_only

# At most one verification mail per this many seconds is triggered by log-in attempts.
VERIFICATION_RESEND_INTERVAL = 180
# last_used_at is written at most this often: a token used on every request must not make
# every request a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Log-ins past this many live tokens push out the user's oldest ones.
MAX_TOKENS_PER_USER = 50
FINGERPRINT_SALT = "accounts.api-token.password"


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown once; never stored
    token: ApiToken


def token_login(*, email: str, password: str, request: HttpRequest) -> IssuedToken:
    """Exchange an e-mail address and password for a new API token of this marketplace.

    Limited per account and per client like the web log-in (``login_limits``).
    """
    email = email.strip()
    user = login_guarded(
        email=email,
        client=client_address(request),
        check=lambda: authenticate(request, email=email, password=password),
    )
    if user is None:
        raise AuthenticationFailed(
            _("The e-mail address or the password is not correct."), code="invalid_credentials"
        )
    if not user_email_verified(user=user):
        resend_key = f"accounts:verification-resent:{user.pk}:{user.date_joined.timestamp()}"
        if cache.add(resend_key, 1, VERIFICATION_RESEND_INTERVAL):
            queue_mail("email_verification_send", user_id=user.pk, signup=False)
        raise NotAllowed(
            _("Confirm your e-mail address first: follow the link we sent you."),
            code="email_unverified",
        )
    return token_issue(user=user, name=request.META.get("HTTP_USER_AGENT", ""))


def operator_token_login(*, email: str, password: str, request: HttpRequest) -> IssuedToken:
    """Exchange a staff user's e-mail address and password for an API token of the operator
    side; run in the public schema (the operator host).

    Only active staff users of the public schema get one. Anyone else, even with the right
    password, is refused like a wrong password (nobody learns which addresses exist) and the
    attempt counts as a failure under the same limits as ``token_login``.
    """
    email = email.strip()

    def check() -> User | None:
        user = authenticate(request, email=email, password=password)
        return user if user is not None and user.is_staff else None

    user = login_guarded(email=email, client=client_address(request), check=check)
    if user is None:
        raise AuthenticationFailed(
            _("The e-mail address or the password is not correct."), code="invalid_credentials"
        )
    return token_issue(user=user, name=request.META.get("HTTP_USER_AGENT", ""))


def token_issue(*, user: User, name: str = "") -> IssuedToken:
    """A new token for a log-in of ``user``: records the log-in too."""
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        return token_create(user=user, name=name)


def token_create(*, user: User, name: str = "") -> IssuedToken:
    """A new token for ``user`` without a log-in (scripts, tests); prunes dead tokens."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # Expired ones, and those of an older password (changed where no service saw it).
        ApiToken.objects.filter(user=user).filter(
            Q(expires_at__lte=now) | ~Q(password_fingerprint__in=_fingerprints(user))
        ).delete()
        stale = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
        stale_ids = list(stale.values_list("pk", flat=True)[MAX_TOKENS_PER_USER - 1 :])
        if stale_ids:
            ApiToken.objects.filter(pk__in=stale_ids).delete()
        token = ApiToken.objects.create(
            user=user,
            key_hash=key_digest(key),
            name=name[:200],
            password_fingerprint=password_fingerprint(user),
            created_at=now,
            expires_at=now + timedelta(days=settings.SOUK_TOKEN_TTL_DAYS),
        )
    return IssuedToken(key=key, token=token)


def token_authenticate(*, key: str) -> tuple[User, ApiToken]:
    """The user and token of a key sent with a request; AuthenticationFailed if it is unknown,
    expired, or issued under a password that has since changed."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_digest(key)).first()
    if token is None or not token.user.is_active:
        raise AuthenticationFailed(_("This token is not valid; log in again."))
    now = timezone.now()
    if token.is_expired(now):
        raise AuthenticationFailed(_("This token has expired; log in again."), code="token_expired")
    if not _fingerprint_matches(token, token.user):
        token.delete()
        raise AuthenticationFailed(
            _("This token was revoked by a password change; log in again."), code="token_revoked"
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        with unless_read_only():
            ApiToken.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


def token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s tokens; another user's id is NotFound, like an unknown one."""
    in_range = 0 < token_id < 2**63  # a bigint column: larger ids cannot exist
    deleted, _per_model = (
        ApiToken.objects.filter(user=user, pk=token_id).delete() if in_range else (0, {})
    )
    if not deleted:
        raise NotFound(_("No such token."), code="not_found")


def token_revoke_all(*, user: User) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def token_logout(*, user: User, token: ApiToken | None, everywhere: bool = False) -> None:
    """Revoke the token of this request, or every token of the user."""
    if everywhere:
        token_revoke_all(user=user)
    elif token is not None:
        ApiToken.objects.filter(user=user, pk=token.pk).delete()


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_fingerprint(user: User, *, secret: str | None = None) -> str:
    return salted_hmac(
        FINGERPRINT_SALT, user.password, secret=secret, algorithm="sha256"
    ).hexdigest()


def _fingerprints(user: User) -> list[str]:
    # Tokens issued before a SECRET_KEY rotation stay valid while the old key is a fallback.
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [password_fingerprint(user, secret=secret) for secret in secrets_in_use]


def _fingerprint_matches(token: ApiToken, user: User) -> bool:
    return any(
        constant_time_compare(token.password_fingerprint, fingerprint)
        for fingerprint in _fingerprints(user)
    )
