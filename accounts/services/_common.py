"""Helpers shared by the account services."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account import signals as allauth_signals
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.adapter import marketplace_url
from accounts.models import User
from config.errors import InvalidInput
from tenants.db import connection


def queue_mail(task_name: str, **kwargs: Any) -> None:
    from accounts import tasks

    task = getattr(tasks, task_name)
    # The schema is read now: by commit time the connection may serve another marketplace.
    schema_name = connection.schema_name
    transaction.on_commit(
        lambda: task.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name})
    )


def normalize_email(email: str) -> str:
    return email.strip().lower()


def clean_email(email: str) -> str:
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(
            _("Enter a valid e-mail address."),
            code="invalid_email",
            details={"email": list(exc.messages)},
        ) from exc
    return email


def email_taken(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def email_taken_error() -> InvalidInput:
    return InvalidInput(
        _("An account with this e-mail address already exists; log in or reset the password."),
        code="email_taken",
        details={"email": [_("This e-mail address is already registered.")]},
    )


def check_password(password: str, *, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(
            _("Choose a stronger password."),
            code="weak_password",
            details={"password": list(exc.messages)},
        ) from exc


def constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def active_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email, is_active=True).first()


def send_unknown_account_mail(email: str) -> None:
    if allauth_settings.EMAIL_UNKNOWN_ACCOUNTS:
        get_adapter().send_mail(
            "account/email/unknown_account",
            email,
            {"signup_url": marketplace_url(reverse("account_signup"))},
        )


def email_address(user: User) -> EmailAddress:
    """The allauth address row of the user's e-mail; users made in the admin may lack one."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        address = EmailAddress.objects.create(user=user, email=user.email, primary=not has_primary)
    return address


def set_verified(address: EmailAddress) -> bool:
    if not address.can_set_verified():
        return False
    address.verified = True
    address.save(update_fields=["verified"])
    allauth_signals.email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    return True
