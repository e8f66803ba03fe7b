"""The customer's return from a provider's page: check now rather than wait for the
notification, and refuse a return that claims what the provider did not announce.

areeba appends ``resultIndicator`` to the return URL; the payment succeeded only if it equals
the ``successIndicator`` its checkout session announced (kept with the payment's stored create
response). A return that does not match changes nothing (422 ``return_not_verified``); one that
matches, or one from a provider that proves nothing on return, makes billing ask the provider
for the status at once — the provider's own word stays the only thing that moves a payment.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from billing.models import Payment, PaymentExchange
from billing.providers.base import ProviderError
from billing.providers.registry import driver_for
from billing.services.payments import ProviderUnavailable, payment_refresh
from config.errors import BusinessRuleViolation

logger = logging.getLogger(__name__)


def payment_return_check(*, payment: Payment, query: dict[str, str]) -> Payment:
    """Apply the customer's return to ``payment`` (``query``: the return URL's parameters)."""
    driver = driver_for(payment.provider)
    verify = getattr(driver, "return_verified", None)
    if verify is not None and query.get("resultIndicator") is not None:
        created = (
            payment.exchanges.filter(direction=PaymentExchange.Direction.RESPONSE)
            .order_by("pk")
            .first()
        )
        if created is None or not verify(created.body, query):
            logger.warning("payment %s: a return that is not the provider's", payment.reference)
            raise BusinessRuleViolation(
                _("This return does not match what the payment provider announced."),
                code="return_not_verified",
            )
    try:
        return payment_refresh(payment=payment)
    except ProviderError as exc:  # the notification or the periodic check will tell later
        raise ProviderUnavailable(
            _("The payment provider could not be reached; try again shortly."), code=exc.code
        ) from exc
