"""Account writes: creating users, verification, tokens, password and magic-link flows."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User


def user_create(
    *,
    email: str,
    password: str | None = None,
    role: str = User.Role.CUSTOMER,
    display_name: str = "",
    is_staff: bool = False,
    email_verified: bool = False,
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, role=role, display_name=display_name, is_staff=is_staff
        )
        EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=email_verified
        )
    return user


def user_send_owner_welcome(*, schema_name: str, user_id: int) -> None:
    from accounts.tasks import send_owner_welcome

    send_owner_welcome.apply_async(
        kwargs={"user_id": user_id}, headers={"_schema_name": schema_name}
    )
