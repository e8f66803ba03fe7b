"""Helpers of the staff pages' tests: a staff member's browser session, the theme editor's
form as a browser sends it, and a freelancers order paid in full (disputes, refunds)."""

from __future__ import annotations

from django.conf import settings
from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.accounts import (
    ProviderUserFactory,
    StaffUserFactory,
    VerifiedUserFactory,
    user_in,
)
from themes.css import COLOUR_TOKENS
from themes.models import Theme


def session_of(marketplace, factory=StaffUserFactory, **fields):
    """A browser-like client (session cookie) of a new user of ``marketplace``."""
    user = user_in(marketplace, factory, **fields)
    return api(marketplace, user, session=True, own_address=True)


def customer_session(marketplace):
    return session_of(marketplace, VerifiedUserFactory)


def provider_session(marketplace):
    return session_of(marketplace, ProviderUserFactory)


def theme_form_data(marketplace, **overrides) -> dict[str, str]:
    """The theme editor's fields as the saved theme fills them (what a browser posts)."""
    with tenant_context(marketplace):
        theme = Theme.objects.get()
    data = {
        "font_heading": theme.font_heading,
        "font_body": theme.font_body,
        "radius": str(theme.radius),
        "custom_css": theme.custom_css,
    }
    if theme.dark_mode:
        data["dark_mode"] = "on"
    for scheme in ("light", "dark"):
        for token in COLOUR_TOKENS:
            data[f"{scheme}_{token}"] = getattr(theme, scheme)[token].lower()
    for field in ("hero_title", "hero_subtitle"):
        for code, _name in settings.LANGUAGES:
            data[f"{field}_{code}"] = getattr(theme, field).get(code, "")
    data.update(overrides)
    return data
