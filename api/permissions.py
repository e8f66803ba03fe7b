"""Role checks shared by every app's API views."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


def _role(request) -> str | None:
    user = request.user
    return getattr(user, "role", None) if user and user.is_authenticated else None


class IsProvider(BasePermission):
    message = _("Only providers may do this.")

    def has_permission(self, request, view):
        return _role(request) == "provider"


class IsCustomer(BasePermission):
    message = _("Only customers may do this.")

    def has_permission(self, request, view):
        return _role(request) == "customer"


class IsMarketplaceStaff(BasePermission):
    """Staff of the current marketplace (its schema's users with role staff)."""

    message = _("Only this marketplace's staff may do this.")

    def has_permission(self, request, view):
        return _role(request) == "staff" or bool(
            request.user and request.user.is_authenticated and request.user.is_superuser
        )


class ReadOnlyOrStaff(IsMarketplaceStaff):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or super().has_permission(request, view)


class IsOperator(BasePermission):
    """A staff user of the public schema (the SaaS operator), never a marketplace's user."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            getattr(request, "tenant", "x") is None
            and user
            and user.is_authenticated
            and user.is_staff
        )
