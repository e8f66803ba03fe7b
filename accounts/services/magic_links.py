"""Magic links: log-in by a signed, 15-minute, single-use link sent by e-mail."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.adapter import marketplace_url
from accounts.models import User
from accounts.services._common import (
    active_user_by_email,
    email_address,
    normalize_email,
    queue_mail,
    send_unknown_account_mail,
    set_verified,
)
from accounts.services.tokens import IssuedToken, token_issue
from config.errors import InvalidInput
from tenants.db import connection

MAGIC_LINK_MAX_AGE = timedelta(minutes=15)


def magic_link_request(*, email: str) -> None:
    """Mail a one-time log-in link valid for 15 minutes (or an "unknown account" note)."""
    queue_mail("magic_link_send", email=normalize_email(email))


def magic_link_send(*, email: str) -> None:
    user = active_user_by_email(email)
    if user is None:
        send_unknown_account_mail(email)
        return
    token = magic_link_token(user=user)
    get_adapter().send_mail(
        "accounts/email/magic_link",
        user.email,
        {
            "user": user,
            "token": token,
            "magic_link_url": marketplace_url(reverse("account_magic_link", args=[token])),
            "minutes": int(MAGIC_LINK_MAX_AGE.total_seconds() // 60),
        },
    )


def magic_link_token(*, user: User) -> str:
    """A signed, 15-minute token bound to the user's current log-in state.

    Any log-in (or a password change) changes that state, so the token works once.
    """
    return _magic_link_signer().sign_object({"u": user.pk, "s": _login_state(user)})


def magic_link_check(*, token: str) -> User:
    """The user a magic-link token would log in, without using it up."""
    return _magic_link_user(token, lock=False)


def magic_link_consume(*, token: str) -> User:
    """Use up a magic-link token: record the log-in and mark the e-mail address verified
    (the link reached the mailbox). The caller starts the session or issues the token."""
    with transaction.atomic():
        user = _magic_link_user(token, lock=True)
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        address = email_address(user)
        if not address.verified:
            set_verified(address)
    return user


def magic_link_confirm(*, token: str, name: str = "") -> IssuedToken:
    """Use up a magic-link token for a new API token (``name``: the client's user agent)."""
    with transaction.atomic():
        user = magic_link_consume(token=token)
        return token_issue(user=user, name=name)


def _magic_link_signer() -> signing.TimestampSigner:
    # The schema in the salt makes one marketplace's links meaningless on another.
    return signing.TimestampSigner(salt=f"accounts.magic-link:{connection.schema_name}")


def _login_state(user: User) -> str:
    value = f"{user.pk}|{user.last_login}|{user.password}|{user.email}"
    return salted_hmac("accounts.magic-link.state", value).hexdigest()[:32]


def _magic_link_user(token: str, *, lock: bool) -> User:
    try:
        data = _magic_link_signer().unsign_object(token, max_age=MAGIC_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("This log-in link has expired; ask for a new one."), code="token_expired"
        ) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise _invalid_magic_link() from exc
    users = User.objects.filter(is_active=True)
    if lock:
        users = users.select_for_update()
    user = (
        users.filter(pk=data.get("u")).first()  # type: ignore[misc]  # no "u": pk IS NULL, no user
        if isinstance(data, dict)
        else None
    )
    if user is None or not constant_time_compare(str(data.get("s", "")), _login_state(user)):
        raise _invalid_magic_link()
    return user


def _invalid_magic_link() -> InvalidInput:
    return InvalidInput(
        _("This log-in link is not valid: it was already used or replaced by a newer one."),
        code="invalid_token",
    )
