"""Auto-reload: a customer's prepaid balance tops itself up from a saved payment method.

The customer sets, per currency, a threshold, an amount and one of their saved methods (of a
provider that charges off-session). When a charge (billing.balances.prepaid_balance_charge,
used by metered sessions) takes the balance from at or over the threshold to under it, a task
queued after the commit charges the method off-session for the amount: a top-up Payment like
any other, which credits the balance once the provider confirms it. Charges are serialised by
the ledger's account lock, so one charge crosses; the task claims that crossing (its ledger
transaction) before it charges, and the payment's idempotency key is the crossing too, so the
task run twice or twice at once charges once. A failure (the card needs the customer, a
decline, the provider gone) is recorded on the settings and e-mailed to the customer; the
settings stay as they were and nothing is retried until the balance crosses again.

A live reading whose last paid minute has started asks for a reload too, whatever the
threshold (``auto_reload_when_short``): the reading would otherwise end at the next minute. It
is claimed by the same charge, so it adds no second reload to the crossing's, and it waits
while an earlier reload's payment is pending.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import (
    AutoReload,
    LedgerAccount,
    LedgerTransaction,
    Payment,
    SavedPaymentMethod,
)
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance
from billing.services.top_ups import off_session_check, top_up_amount_check, top_up_start
from config.errors import InvalidInput, NotFound, ServiceError
from tenants.db import connection

logger = logging.getLogger(__name__)


def auto_reload_set(
    *,
    actor,
    currency: str,
    enabled: bool,
    threshold: Money,
    amount: Money,
    method_id: int | None,
) -> AutoReload:
    """Save the actor's auto-reload in ``currency`` (one per currency). Enabling needs one of
    their saved methods, of a provider that charges it off-session; saving clears the last
    failure."""
    if {threshold.currency, amount.currency} != {currency}:
        raise InvalidInput(_("Amounts must be in the settings' currency."), code="invalid")
    if threshold.amount_minor < 0 or amount.amount_minor <= 0:
        raise InvalidInput(_("The amount must be positive."), code="invalid_amount")
    top_up_amount_check(amount)
    method = None
    if method_id is not None:
        method = SavedPaymentMethod.objects.filter(pk=method_id, user=actor).first()
        if method is None:
            raise NotFound(_("No such saved payment method."), code="method_not_found")
    if enabled:
        if method is None:
            raise InvalidInput(
                _("Choose a saved payment method to reload from."), code="method_required"
            )
        off_session_check(method.provider)
    reload, _created = AutoReload.objects.update_or_create(
        user=actor,
        currency=currency,
        defaults={
            "enabled": enabled, "threshold_minor": threshold.amount_minor,
            "amount_minor": amount.amount_minor, "method": method,
            "last_failure_code": "", "last_failure_at": None,
        },
    )  # fmt: skip
    return reload


def auto_reload_after_charge(*, customer, after: Money, charged: Money, crossing: int) -> None:
    """Called in the transaction of a charge that left ``after`` on the balance: when it took
    the balance under the customer's threshold, queue the reload after the commit."""
    crossed = AutoReload.objects.filter(
        user=customer,
        currency=after.currency,
        enabled=True,
        threshold_minor__gt=after.amount_minor,
        threshold_minor__lte=after.amount_minor + charged.amount_minor,
    ).exists()
    if crossed:
        _queue_reload(customer, after.currency, crossing)


def auto_reload_when_short(*, customer, need: Money) -> bool:
    """The balance does not cover ``need`` (say the next minute of a live reading, which
    ends it unpaid): if the customer has auto-reload on in that currency and no reload of
    theirs is waiting for its provider, queue one after the commit, over the threshold or
    not. The reload is claimed by the balance's latest charge, as a crossing is, so asking
    again after the same charge (or after the charge that crossed the threshold) reloads
    once. Returns whether a reload was queued."""
    reload = AutoReload.objects.filter(user=customer, currency=need.currency, enabled=True).first()
    if reload is None:
        return False
    balance = ledger_balance(
        kind=LedgerAccount.Kind.CUSTOMER_BALANCE, currency=need.currency, owner=customer
    )
    if balance >= need:
        return False
    waiting = Payment.objects.filter(
        reference=reload.last_payment_reference, state=PaymentState.PENDING
    ).exists()
    latest_charge = (
        LedgerTransaction.objects.filter(
            kind=LedgerTransaction.Kind.MINUTE_DEBIT,
            entries__account__kind=LedgerAccount.Kind.CUSTOMER_BALANCE,
            entries__account__owner=customer,
            entries__account__currency=need.currency,
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if waiting or latest_charge is None or reload.last_crossing == str(latest_charge):
        return False
    _queue_reload(customer, need.currency, latest_charge)
    return True


def _queue_reload(customer, currency: str, crossing: int) -> None:
    from billing.tasks import auto_reload_charge

    tenant = connection.tenant

    def queue() -> None:
        from django_tenants.utils import tenant_context

        with tenant_context(tenant):
            auto_reload_charge.delay(customer.pk, currency, crossing)

    transaction.on_commit(queue)


def _failed(reload: AutoReload, code: str) -> None:
    AutoReload.objects.filter(pk=reload.pk).update(
        last_failure_code=code[:60], last_failure_at=timezone.now()
    )
    logger.info("auto-reload %s of user %s failed: %s", reload.currency, reload.user_id, code)
    _failure_email(reload).send()


def _failure_email(reload: AutoReload) -> EmailMessage:
    marketplace = connection.tenant
    user = reload.user
    language = user.language or marketplace.default_language
    with translation.override(language):
        amount = Money(reload.amount_minor, reload.currency)
        subject = _("Your balance could not be reloaded")
        body = _(
            "We could not charge your saved payment method %(amount)s to reload your balance "
            "on %(marketplace)s. Top up your balance yourself, or check your payment method: "
            "%(url)s"
        ) % {"amount": amount, "marketplace": marketplace.name,
             "url": marketplace.absolute_url("/")}  # fmt: skip
    return EmailMessage(
        subject=f"[{marketplace.name}] {subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Content-Language": language},
    )


def auto_reload_charge_run(*, customer_id: int, currency: str, crossing: int) -> Payment | None:
    """Charge the customer's saved method for their reload amount, once per ``crossing`` (the
    ledger transaction of the charge that took the balance under the threshold)."""
    reload = (
        AutoReload.objects.select_related("user", "method")
        .filter(user_id=customer_id, currency=currency, enabled=True)
        .first()
    )
    if reload is None or not LedgerTransaction.objects.filter(pk=crossing).exists():
        return None
    claimed = (
        AutoReload.objects.filter(pk=reload.pk)
        .exclude(last_crossing=str(crossing))
        .update(last_crossing=str(crossing))
    )
    if not claimed:
        return None
    if reload.method is None:
        _failed(reload, "method_missing")
        return None
    try:
        payment = top_up_start(
            actor=reload.user,
            amount=Money(reload.amount_minor, currency),
            provider=reload.method.provider,
            idempotency_key=f"auto-reload:{crossing}",
            return_url=connection.tenant.absolute_url("/"),
            saved_method=reload.method,
        )
    except ServiceError as exc:
        _failed(reload, exc.code)
        return None
    AutoReload.objects.filter(pk=reload.pk).update(last_payment_reference=payment.reference)
    if payment.state not in (PaymentState.PENDING, PaymentState.PAID):
        _failed(reload, payment.failure_code or str(payment.state))
    return payment
