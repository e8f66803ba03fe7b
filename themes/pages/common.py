"""What every page of the branded site shares: who may open it, and how a service's refusal
reaches the form that asked.

Roles are checked by the API's own permission classes (api/permissions.py), so a page and an
endpoint can never disagree on who is a provider or the marketplace's staff. A service raises
``config.errors.ServiceError``; ``form_refusal`` puts its message beside the field it names
(``details``) or above the form, and the page answers with the error's status, as the API would.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.urls import reverse
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from api.permissions import IsCustomer, IsMarketplaceStaff, IsProvider
from config.errors import ServiceError

ROLES: dict[str, type[BasePermission]] = {
    "customer": IsCustomer,
    "provider": IsProvider,
    "staff": IsMarketplaceStaff,
}


def page_role_required(*roles: str) -> Callable:
    """The page for a logged-in user of one of ``roles`` (none given: any logged-in user).
    A visitor is sent to log in and back; a user of another role gets 403."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("account_login"))
            if roles and not any(
                ROLES[role]().has_permission(request, cast(APIView, None)) for role in roles
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def form_refusal(form: forms.Form, error: ServiceError) -> int:
    """Puts a service's refusal on ``form`` (beside each field its details name, the message
    above the form otherwise) and returns the status the page answers with. A form whose
    fields are not the details' names (a quantity per ticket tier) says which field a refusal
    belongs to with ``refusal_field(details)``."""
    refusal_field = getattr(form, "refusal_field", None)
    name = refusal_field(error.details or {}) if refusal_field else None
    if name is not None:
        form.add_error(name, error.message)
        return error.status
    placed = False
    for name, messages in (error.details or {}).items():
        if name in form.fields and isinstance(messages, list | tuple):
            for message in messages:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)
    return error.status


PAGE_SIZE = 20


def page_of(request, queryset, size: int = PAGE_SIZE) -> Page:
    """``?page=N`` of ``queryset`` (the last page past the end); site/_pager.html links the
    pages, keeping the rest of the query string."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))
