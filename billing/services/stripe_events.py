"""Stripe's events, after the driver has verified their signature (billing.services.webhooks
sends every Stripe delivery here).

Each event id has its effect once (``StripeEvent``): a replay is acknowledged and changes
nothing. Payment events (``checkout.session.*``, ``payment_intent.*``) take billing's usual
path: the payment they name is looked up in this marketplace (404 when it is not one of its
payments) and its status is fetched from Stripe by a task — nothing in the event is trusted.
The others are applied by a task:

- ``account.updated``: the connected account's flags, re-read from the Accounts API;
- ``charge.dispute.created``: the chargeback posts and the subject's release is held
  (billing.services.chargebacks); the disputed payment is found through its PaymentIntent,
  fetched from Stripe (our reference is in its metadata);
- ``charge.dispute.closed``: won → the chargeback is reversed and the hold lifted; lost → it
  stays.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Payment, StripeEvent
from billing.money import Money
from billing.providers.base import Notification
from billing.providers.registry import stripe_driver
from billing.services.chargebacks import chargeback_post, chargeback_reverse
from billing.services.connect import connected_account_refresh
from billing.services.webhooks import notification_store, payment_named
from config.errors import InvalidInput, NotFound

logger = logging.getLogger(__name__)
APPLIED_BY_TASK = frozenset({"account.updated", "charge.dispute.created", "charge.dispute.closed"})


def stripe_event_receive(*, driver, notification: Notification, stored: dict) -> tuple[int, str]:
    """Record a verified event once and queue what it asks for; the acknowledgement. The
    delivery is stored raw once, with the payment it names and what became of it."""
    event: dict[str, Any] = notification.raw
    event_ref, kind = str(event.get("id") or ""), str(event.get("type") or "")
    obj = (event.get("data") or {}).get("object") or {}
    if not event_ref.startswith("evt_") or not isinstance(obj, dict):
        notification_store("stripe", stored, note="not a Stripe event")
        raise InvalidInput(_("This is not a Stripe event."), code="invalid_notification")
    payment = None
    if notification.provider_ref:
        payment = payment_named("stripe", notification)
        if payment is None:
            logger.warning("stripe %s for an unknown payment %r", kind, notification.provider_ref)
            notification_store("stripe", stored, note="unknown payment")
            raise NotFound(_("No such payment."), code="payment_not_found")
    payment_id = payment.pk if payment is not None else None
    with transaction.atomic():
        recorded, created = StripeEvent.objects.get_or_create(
            event_ref=event_ref,
            defaults={"type": kind[:80], "object_ref": str(obj.get("id") or "")[:80],
                      "payload": obj},
        )  # fmt: skip
        if not created:
            notification_store(
                "stripe", stored, payment_id=payment_id, note=f"replay of {event_ref}"
            )
            return driver.acknowledge()
        notification_store("stripe", stored, payment_id=payment_id, note=f"{kind} {event_ref}")
        from billing.tasks import payment_refresh_run, stripe_event_apply_run

        if payment_id is not None:
            transaction.on_commit(lambda: payment_refresh_run.delay(payment_id))
        elif kind in APPLIED_BY_TASK:
            transaction.on_commit(lambda: stripe_event_apply_run.delay(recorded.pk))
        else:
            StripeEvent.objects.filter(pk=recorded.pk).update(outcome="ignored")
    return driver.acknowledge()


def _disputed_payment(dispute: dict) -> Payment | None:
    intent_ref = dispute.get("payment_intent")
    if isinstance(intent_ref, dict):
        intent_ref = intent_ref.get("id")
    if not intent_ref:
        return None
    found = Payment.objects.filter(provider="stripe", provider_ref=intent_ref).first()
    if found is not None:
        return found
    intent = stripe_driver().get_status(str(intent_ref)).raw["payment_intent"] or {}
    merchant_ref = (intent.get("metadata") or {}).get("merchant_ref")
    return Payment.objects.filter(provider="stripe", reference=merchant_ref or "").first()


def _outcome(event: StripeEvent, outcome: str) -> str:
    StripeEvent.objects.filter(pk=event.pk).update(outcome=outcome[:120])
    return outcome


def stripe_event_apply(*, event_id: int) -> str:
    """Apply a recorded non-payment event (a task, safe to run again); what it did."""
    event = StripeEvent.objects.get(pk=event_id)
    obj = event.payload
    if event.type == "account.updated":
        account = connected_account_refresh(account_ref=str(obj.get("id") or ""))
        return _outcome(event, "account refreshed" if account else "unknown account")
    dispute_ref = str(obj.get("id") or "")
    if event.type == "charge.dispute.created":
        payment = _disputed_payment(obj)
        if payment is None:
            return _outcome(event, "unknown payment")
        amount = Money(int(obj.get("amount") or 0), str(obj.get("currency") or "").upper())
        if amount.amount_minor <= 0:
            return _outcome(event, "nothing disputed")
        posted = chargeback_post(payment=payment, dispute_ref=dispute_ref, amount=amount)
        return _outcome(event, f"chargeback {posted.reference}")
    if event.type == "charge.dispute.closed":
        if obj.get("status") != "won":
            return _outcome(event, f"dispute {obj.get('status')}: chargeback stays")
        reversal = chargeback_reverse(dispute_ref=dispute_ref)
        return _outcome(event, f"reversed {reversal.reference}" if reversal else "no chargeback")
    return _outcome(event, "ignored")
