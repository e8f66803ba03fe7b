from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name

from tenants.db import connection


def marketplace(request):
    """The current marketplace (None on the operator host) for every template, and on a
    marketplace's host its theme, read only when a template uses it (admin pages never do)."""
    tenant = getattr(request, "tenant", None)
    context = {"marketplace": tenant}
    if tenant is not None and connection.schema_name != get_public_schema_name():
        from catalog.selectors.taxonomy import marketplace_sells_minutes
        from themes.selectors.themes import theme_of_pages

        context["theme"] = SimpleLazyObject(theme_of_pages)
        # The "Balance" link: only where per-minute sessions are paid from a prepaid balance.
        context["sells_minutes"] = SimpleLazyObject(marketplace_sells_minutes)
    return context
