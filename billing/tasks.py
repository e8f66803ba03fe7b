from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from billing.models import Payment, ProviderAccount
from billing.providers.base import PaymentState, ProviderError
from billing.services.payments import payment_refresh
from tenants.task_base import send_to_each_marketplace

RECONCILE_BATCH = 200


# Acknowledged only once done: a worker killed mid-task leaves the message to be delivered
# again (the visibility timeout), and applying a status twice changes nothing.
@shared_task(
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def payment_refresh_run(payment_id: int) -> str:
    """Fetch one payment's status from its provider and apply it (safe to run again)."""
    from billing.services.webhooks import payment_refresh_unmark

    payment = Payment.objects.get(pk=payment_id)
    payment_refresh_unmark(payment=payment)
    return payment_refresh(payment=payment).state


@shared_task(ignore_result=True)
def payments_reconcile() -> int:
    """This marketplace's pending payments that have waited a while: ask their providers."""
    stale = Payment.objects.filter(
        state=PaymentState.PENDING,
        provider_ref__isnull=False,
        updated_at__lt=timezone.now() - timedelta(seconds=settings.SOUK_PAYMENTS_RECONCILE_AFTER_S),
    ).order_by("updated_at")[:RECONCILE_BATCH]
    ids = list(stale.values_list("pk", flat=True))
    for payment_id in ids:
        payment_refresh_run.delay(payment_id)
    if ProviderAccount.objects.filter(code="stripe", enabled=True).exists():
        stripe_webhooks_ensure_run.delay()
    return len(ids)


@shared_task(ignore_result=True)
def payments_reconcile_everywhere() -> int:
    """Beat entry (public schema): send each active marketplace its reconciliation task."""
    return send_to_each_marketplace(payments_reconcile)


@shared_task(
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def payment_refund_run(payment_id: int, amount_minor: int, key: str) -> str:
    """Ask the payment's provider to give ``amount_minor`` back (the ledger already says so)."""
    from billing.services.payments import payment_provider_refund

    return payment_provider_refund(payment_id=payment_id, amount_minor=amount_minor, key=key)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def auto_reload_charge(customer_id: int, currency: str, crossing: int) -> str:
    """Reload a prepaid balance a charge took under its threshold (once per crossing)."""
    from billing.services.auto_reload import auto_reload_charge_run

    payment = auto_reload_charge_run(customer_id=customer_id, currency=currency, crossing=crossing)
    return payment.reference if payment else ""


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def stripe_event_apply_run(event_id: int) -> str:
    """Apply one recorded Stripe event (account.updated, disputes); safe to run again."""
    from billing.services.stripe_events import stripe_event_apply

    with _retried_when_unreachable():
        return stripe_event_apply(event_id=event_id)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def stripe_release_transfer_run(subject: str, release_reference: str) -> int:
    """Transfer a release's shares to the providers' connected accounts (once each)."""
    from billing.services.connect import release_transfers

    with _retried_when_unreachable():
        return len(release_transfers(subject=subject, release_reference=release_reference))


@contextmanager
def _retried_when_unreachable():
    """A provider that could not be reached is retried (as an OSError); a refusal is not."""
    try:
        yield
    except ProviderError as exc:
        if exc.code == "provider_unreachable":
            raise OSError(str(exc)) from exc
        raise


@shared_task(ignore_result=True)
def stripe_webhooks_ensure_run() -> bool:
    """This marketplace's Stripe webhook endpoints, registered again if Stripe lost them."""
    from billing.services.connect import stripe_webhooks_ensure

    try:
        return stripe_webhooks_ensure()
    except ProviderError:
        return False  # asked again at the next reconciliation


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def payout_send_run(payout_id: int) -> str:
    """Send one due payout through its provider (safe to run again: the provider dedups by the
    payout's reference, and only a requested payout is sent)."""
    from billing.services.payouts import payout_send

    return payout_send(payout_id=payout_id).state


@shared_task(ignore_result=True)
def payouts_send_due() -> int:
    """This marketplace's payouts whose run has come (withdrawals on the schedule)."""
    from billing.services.withdrawals import payouts_send_due as send_due

    return send_due()


@shared_task(ignore_result=True)
def payouts_send_due_everywhere() -> int:
    """Beat entry (public schema): send each active marketplace its payout run."""
    return send_to_each_marketplace(payouts_send_due)


@shared_task(ignore_result=True)
def payouts_reconcile_run() -> int:
    """This marketplace's payouts a provider had not finished: ask where they stand."""
    from billing.services.payouts import payouts_reconcile

    return payouts_reconcile()


@shared_task(ignore_result=True)
def payouts_reconcile_everywhere() -> int:
    """Beat entry (public schema): each active marketplace asks about its unfinished payouts."""
    return send_to_each_marketplace(payouts_reconcile_run)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def receipt_send_run(kind: str, reference: str) -> bool:
    """E-mail the receipt of one payment or refund, once."""
    from billing.services.receipts import receipt_send

    return receipt_send(kind=kind, reference=reference)
