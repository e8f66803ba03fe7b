"""Who may act as a marketplace's staff: the one rule every app's services and selectors ask."""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.errors import NotAllowed


def is_staff(user) -> bool:
    """The marketplace's staff (role "staff") or a superuser; never the anonymous."""
    return bool(
        user
        and user.is_authenticated
        and (getattr(user, "role", None) == "staff" or user.is_superuser)
    )


def require_staff(user) -> None:
    if not is_staff(user):
        raise NotAllowed(_("Only this marketplace's staff may do this."))
