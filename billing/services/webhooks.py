"""Receiving a provider's notification: store it raw, read it with the provider's driver, find
the payment it names in this marketplace, and have its status fetched from the provider.

Nothing here trusts what a notification claims: the payment moves only on the status billing
asks the provider for (``payment_refresh``, queued after commit), so a replay, a forgery or an
out-of-order delivery changes nothing.
"""

from __future__ import annotations

import json
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Payment, PaymentExchange
from billing.providers.base import Notification, ProviderError
from billing.providers.registry import DRIVERS, driver_for
from billing.services.payments import FINAL
from config.errors import AuthenticationFailed, BusinessRuleViolation, InvalidInput, NotFound
from tenants.db import connection

logger = logging.getLogger(__name__)
MAX_STORED_BODY = 20_000
# A queued status request older than this is asked for again (a lost task is not for ever).
REFRESH_MARK_SECONDS = 60


def _stored(body: bytes) -> dict:
    return {"text": body[:MAX_STORED_BODY].decode("utf-8", "replace")}


def payment_named(provider: str, notification: Notification) -> Payment | None:
    """The payment a notification names: by the provider's reference, else by ours where the
    provider echoes it (a Checkout Session's PaymentIntent names our reference only)."""
    payments = Payment.objects.filter(provider=provider)
    found = payments.filter(provider_ref=notification.provider_ref).first()
    if found is None and notification.merchant_ref:
        found = payments.filter(reference=notification.merchant_ref).first()
    return found


def notification_store(provider: str, stored: dict, *, payment_id=None, note: str = "") -> None:
    """Every delivery is kept raw, whatever becomes of it (one INSERT: this is the hot path)."""
    PaymentExchange.objects.create(
        provider=provider, direction=PaymentExchange.Direction.NOTIFICATION, body=stored,
        payment_id=payment_id, note=note[:255],
    )  # fmt: skip


# The hot path of every delivery in one round trip: find the payment a provider's reference
# names (this schema only: another marketplace's payment is unknown here) and store the
# delivery raw against it, or as naming nobody. The ORM's two statements cost about 1.3 ms of
# Python each delivery on the reference machine; this one, 0.2 ms (bench/webhooks.py).
_MATCH_AND_STORE = """
WITH named AS (
    SELECT id, reference, state FROM {payment}
    WHERE provider = %(provider)s AND provider_ref = %(provider_ref)s
)
INSERT INTO {exchange} (payment_id, provider, direction, body, note, created_at)
SELECT (SELECT id FROM named), %(provider)s, %(direction)s, %(body)s::jsonb,
       CASE WHEN EXISTS (SELECT 1 FROM named) THEN '' ELSE %(unknown)s END, now()
RETURNING payment_id, (SELECT reference FROM named), (SELECT state FROM named)
"""


def notification_match_store(
    provider: str, notification: Notification, stored: dict
) -> tuple[int, str, str] | None:
    """Store a delivery against the payment it names; returns that payment's (pk, reference,
    state), or None when this marketplace knows no payment of that reference."""
    sql = _MATCH_AND_STORE.format(
        payment=connection.ops.quote_name(Payment._meta.db_table),
        exchange=connection.ops.quote_name(PaymentExchange._meta.db_table),
    )
    params = {
        "provider": provider, "provider_ref": notification.provider_ref,
        "direction": PaymentExchange.Direction.NOTIFICATION.value,
        "body": json.dumps(stored), "unknown": "unknown payment",
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk, reference, state = cursor.fetchone()
    return None if pk is None else (pk, reference, state)


def payment_notification_receive(
    *, provider: str, headers: dict[str, str], body: bytes, query: dict[str, str]
) -> tuple[int, str]:
    """Handle one delivery; returns the provider's expected acknowledgement (status, body).

    404 when this marketplace does not use ``provider`` or knows no payment of that reference
    (another marketplace's payment is unknown here); 400 when the body is not the provider's;
    401 when its signature (areeba's notification secret) is wrong. Each is stored raw."""
    if provider not in DRIVERS:
        raise NotFound(_("No such webhook."))
    try:
        driver = driver_for(provider)
    except (BusinessRuleViolation, ValueError) as exc:  # not enabled here, as if unknown
        raise NotFound(_("No such webhook.")) from exc
    stored = _stored(body)
    try:
        notification = driver.parse_notification(headers=headers, body=body, query=query)
    except ProviderError as exc:
        notification_store(provider, stored, note=str(exc))
        if exc.code == "invalid_signature":  # a signature or shared secret that is not ours
            logger.warning("%s notification with a wrong signature in %s", provider,
                           connection.schema_name)  # fmt: skip
            raise AuthenticationFailed(
                _("The notification's signature is wrong."), code=exc.code
            ) from exc
        raise InvalidInput(str(exc), code=exc.code) from exc
    if provider == "stripe":
        from billing.services.stripe_events import stripe_event_receive

        return stripe_event_receive(driver=driver, notification=notification, stored=stored)
    named = notification_match_store(provider, notification, stored)
    if named is None:
        logger.warning(
            "%s notification for an unknown payment %r in %s",
            provider, notification.provider_ref, connection.schema_name,
        )  # fmt: skip
        raise NotFound(_("No such payment."), code="payment_not_found")
    pk, reference, state = named
    if state not in FINAL:  # a settled payment has nothing more to learn
        transaction.on_commit(lambda: payment_refresh_queue(pk=pk, reference=reference))
    return driver.acknowledge()


def _refresh_key(reference: str) -> str:
    # Our reference is random and never reused; the cache adds the marketplace's schema.
    return f"billing:refresh-queued:{reference}"


def payment_refresh_queue(*, pk: int, reference: str) -> None:
    """Ask for the payment's status once for any number of notifications that arrive before
    the ask starts (a burst of duplicates is one provider call, not one each): the task clears
    the mark before it asks, so a notification after that queues another."""
    from billing.tasks import payment_refresh_run

    if cache.add(_refresh_key(reference), 1, timeout=REFRESH_MARK_SECONDS):
        payment_refresh_run.delay(pk)


def payment_refresh_unmark(*, payment: Payment) -> None:
    cache.delete(_refresh_key(payment.reference))
