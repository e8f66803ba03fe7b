"""Users: creation, sign-up, e-mail verification, profile."""

from __future__ import annotations

from allauth.account.models import EmailAddress, get_emailconfirmation_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import marketplace_languages
from accounts.services._common import (
    check_password,
    clean_email,
    constraint_name,
    email_address,
    email_taken,
    email_taken_error,
    queue_mail,
    set_verified,
)
from config.errors import InvalidInput

SIGNUP_ROLES = frozenset({User.Role.CUSTOMER, User.Role.PROVIDER})
EMAIL_CONSTRAINTS = frozenset({"user_email_ci_unique", "unique_verified_email"})


def user_create(
    *,
    email: str,
    password: str | None = None,
    role: str = User.Role.CUSTOMER,
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    email_verified: bool = False,
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            is_staff=is_staff or is_superuser,
            is_superuser=is_superuser,
        )
        EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=email_verified
        )
    return user


def owner_welcome_send(*, schema_name: str, user_id: int) -> None:
    from accounts.tasks import owner_welcome_send

    owner_welcome_send.apply_async(
        kwargs={"user_id": user_id}, headers={"_schema_name": schema_name}
    )


def owner_provision(*, email: str, password: str | None, schema_name: str) -> None:
    """The owner of a marketplace being provisioned (tenants.hooks.OwnerProvisioner): its own
    admin, in its schema only, welcomed by mail once provisioning commits."""
    owner = user_create(
        email=email,
        password=password,
        role=User.Role.STAFF,
        is_superuser=True,
        email_verified=True,
    )
    transaction.on_commit(lambda: owner_welcome_send(schema_name=schema_name, user_id=owner.pk))


def user_signup(
    *, email: str, password: str, role: str = User.Role.CUSTOMER, display_name: str = ""
) -> User:
    """Open an account on the current marketplace and mail a verification link.

    Staff accounts are never made by sign-up.
    """
    email = clean_email(email)
    display_name = display_name.strip()
    if role not in SIGNUP_ROLES:
        raise InvalidInput(
            _("Sign up as a customer or a provider."),
            code="role_not_allowed",
            details={"role": [_("Choose customer or provider.")]},
        )
    if email_taken(email):
        raise email_taken_error()
    check_password(password, user=User(email=email, display_name=display_name))
    try:
        user = user_create(email=email, password=password, role=role, display_name=display_name)
    except IntegrityError as exc:
        # A concurrent sign-up with the same address committed first.
        if constraint_name(exc) in EMAIL_CONSTRAINTS:
            raise email_taken_error() from exc
        raise
    queue_mail("email_verification_send", user_id=user.pk, signup=True)
    return user


def email_verification_send(*, user: User, signup: bool = False) -> None:
    """Mail a link to allauth's confirmation page; its key also works with ``email_verify``."""
    address = email_address(user)
    if address.verified:
        return
    address.send_confirmation(signup=signup)


def email_verify(*, key: str) -> User:
    """Confirm an e-mail address with the key from a verification mail (single use)."""
    confirmation = get_emailconfirmation_model().from_key(key)
    if confirmation is None:
        raise _invalid_verification_key()
    with transaction.atomic():
        address = (
            EmailAddress.objects.select_for_update()
            .select_related("user")
            .get(pk=confirmation.email_address.pk)
        )
        if address.verified:
            raise _invalid_verification_key()
        if not set_verified(address):
            raise InvalidInput(
                _("This e-mail address is already verified for another account."),
                code="email_taken",
            )
    return address.user


def _invalid_verification_key() -> InvalidInput:
    return InvalidInput(
        _("This verification link is not valid: it has expired or was already used."),
        code="invalid_key",
    )


def user_update(
    *, user: User, display_name: str | None = None, language: str | None = None
) -> User:
    fields = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if language is not None:
        allowed = marketplace_languages()
        if language and language not in allowed:
            raise InvalidInput(
                _("This marketplace does not offer that language."),
                code="invalid",
                details={
                    "language": [
                        _("Choose one of: %(languages)s.")
                        % {"languages": ", ".join(sorted(allowed))}
                    ]
                },
            )
        user.language = language
        fields.append("language")
    if fields:
        user.save(update_fields=fields)
    return user
