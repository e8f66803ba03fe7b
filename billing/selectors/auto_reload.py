"""Reading auto-reload settings: a customer sees their own, nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from billing.models import AutoReload
from config.errors import NotFound


def auto_reloads_of(*, viewer) -> QuerySet[AutoReload]:
    return AutoReload.objects.filter(user=viewer).select_related("method").order_by("currency")


def auto_reload_get(*, viewer, currency: str) -> AutoReload:
    found = auto_reloads_of(viewer=viewer).filter(currency=currency).first()
    if found is None:
        raise NotFound(_("No auto-reload in this currency."), code="auto_reload_not_found")
    return found
