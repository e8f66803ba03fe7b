"""Which currencies this marketplace takes: asked wherever a client names one (top-ups,
withdrawals, payouts) before any money is counted in it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.errors import BusinessRuleViolation
from tenants.db import connection
from tenants.models import Marketplace


def currency_accepted_check(currency: str) -> Marketplace:
    """422 ``currency_not_accepted`` unless the marketplace takes ``currency``; the
    marketplace's row (read fresh: a staff change applies at once)."""
    marketplace = Marketplace.objects.get(pk=connection.tenant.pk)
    accepted = {marketplace.default_currency, *marketplace.accepted_currencies}
    if currency not in accepted:
        raise BusinessRuleViolation(
            _("This marketplace does not take %(currency)s.") % {"currency": currency},
            code="currency_not_accepted",
            details={"accepted": sorted(accepted)},
        )
    return marketplace
