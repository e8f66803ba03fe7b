"""Password reset by e-mail: one uid/token pair serves allauth's web page and the API."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import url_str_to_user_pk, user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services._common import (
    active_user_by_email,
    check_password,
    normalize_email,
    queue_mail,
    send_unknown_account_mail,
)
from accounts.services.tokens import token_revoke_all
from config.errors import InvalidInput


def password_reset_request(*, email: str) -> None:
    """Mail a reset link, or an "unknown account" note: the caller learns nothing either way."""
    queue_mail("password_reset_send", email=normalize_email(email))


def password_reset_send(*, email: str) -> None:
    adapter = get_adapter()
    user = active_user_by_email(email)
    if user is None:
        send_unknown_account_mail(email)
        return
    uid = user_pk_to_url_str(user)
    key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    adapter.send_password_reset_mail(
        user,
        user.email,
        {
            "user": user,
            "uid": uid,
            "key": key,
            "password_reset_url": adapter.get_reset_password_from_key_url(f"{uid}-{key}"),
        },
    )


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password with the uid/token pair of a reset mail; revokes every API token."""
    user = _user_from_uid(uid)
    generator = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR()
    if user is None or not generator.check_token(user, token):
        raise InvalidInput(
            _("This password reset link is not valid: it has expired or was already used."),
            code="invalid_token",
        )
    check_password(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        token_revoke_all(user=user)
    return user


def _user_from_uid(uid: str) -> User | None:
    try:
        pk = url_str_to_user_pk(uid)
    except (ValueError, ValidationError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
