"""Sending providers their earnings: a payout takes money from their available balance, is sent
through a provider that can pay out (a Stripe transfer to the connected account, a FIB payout to
an IBAN) or by hand (a bank transfer staff make, then confirm), and lands in their paid-out total.

The ledger, once per step (each reference posts once):

- requested (``payout:<ref>``): the payee's ``provider_available`` → ``payouts_in_flight`` of
  the method. From here the money is no longer available to ask for twice.
- paid (``payout:<ref>:paid``): ``payouts_in_flight`` → out of the method's
  ``gateway_clearing`` (the money leaves the provider that held it, or the platform's own
  bank account, clearing "manual"); and the payee's ``provider_paid_out`` grows against
  ``payouts_sent``, the platform's side of every paid-out total, so "paid out" is a balance.
- failed or cancelled (``payout:<ref>:reversed``): a correction of the request, back to
  available.

Locks: a payout's row, then the payee's available account, then what ``ledger_post`` locks
(the in-flight account): every payout path takes them in this order. The provider is called
outside any transaction; it is told the payout's reference as its idempotency key, so a task
that runs twice sends once.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_staff, require_staff
from billing.models import (
    LedgerAccount,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    PayoutMethod,
    ProviderAccount,
)
from billing.money import Money
from billing.providers.base import Capability, PayoutResult, ProviderError
from billing.providers.registry import DRIVERS, driver_for
from billing.services.ledger import credit, debit, ledger_account, ledger_correct, ledger_post
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed, StateConflict

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind
State = Payout.State
# Currencies a provider pays out in, where it is narrower than any (the Iraqi gateways: IQD).
PAYOUT_CURRENCIES = {PayoutMethod.FIB: {"IQD"}}
# A payout the provider had not finished when it was sent is asked about again after this.
RECONCILE_AFTER = timedelta(minutes=10)
RECONCILE_BATCH = 100


def payout_method_for(*, payee, currency: str) -> tuple[str, str]:
    """How ``payee`` is paid in ``currency``: the first of their payout accounts whose provider
    this marketplace uses and can pay out with (Stripe, then FIB), else by hand."""
    accounts = {a.method: a.destination for a in PayoutAccount.objects.filter(user=payee)}
    enabled = set(ProviderAccount.objects.filter(enabled=True).values_list("code", flat=True))
    for method in (PayoutMethod.STRIPE, PayoutMethod.FIB):
        driver = DRIVERS.get(method)
        if (
            method in accounts
            and method in enabled
            and driver is not None
            and Capability.PAYOUT in getattr(driver, "capabilities", frozenset())
            and currency in PAYOUT_CURRENCIES.get(method, {currency})
        ):
            return method, accounts[method]
    return PayoutMethod.MANUAL, accounts.get(PayoutMethod.MANUAL, "")


def payout_account_set(*, actor, method: str, destination: str) -> PayoutAccount:
    """A provider says where they are paid by ``method``."""
    if getattr(actor, "role", None) != "provider":
        raise NotAllowed(_("Only providers have payout accounts."), code="not_a_provider")
    if method not in PayoutMethod.values or not destination.strip():
        raise InvalidInput(_("Name a payout method and where to pay."), code="invalid")
    account, _created = PayoutAccount.objects.update_or_create(
        user=actor, method=method, defaults={"destination": destination.strip()[:255]}
    )
    return account


def _available_locked(payee, currency: str) -> LedgerAccount:
    account = ledger_account(kind=Kind.PROVIDER_AVAILABLE, currency=currency, owner=payee)
    return LedgerAccount.objects.select_for_update().get(pk=account.pk)


def _same_request(payout: Payout, payee, amount: Money) -> Payout:
    if (payout.payee_id, payout.amount_minor, payout.currency) != (
        payee.pk,
        amount.amount_minor,
        amount.currency,
    ):
        raise StateConflict(
            _("This idempotency key was used for another payout."),
            code="idempotency_key_reused",
        )
    return payout


def payout_request(
    *,
    actor,
    payee,
    amount: Money,
    idempotency_key: str,
    origin: str = Payout.Origin.STAFF,
    scheduled_for: datetime | None = None,
) -> Payout:
    """Take ``amount`` from ``payee``'s available earnings for a payout (staff for anyone, a
    provider for themself as a withdrawal). 422 ``exceeds_available`` past what is available;
    the same ``idempotency_key`` returns the same payout. A payout due now through a provider
    is sent after commit; a manual one waits for staff to confirm it."""
    if not (is_staff(actor) or (origin == Payout.Origin.WITHDRAWAL and actor.pk == payee.pk)):
        raise NotAllowed(_("Only this marketplace's staff may do this."))
    if amount.amount_minor <= 0:
        raise InvalidInput(_("A payout must be positive."), code="invalid_amount")
    if existing := Payout.objects.filter(idempotency_key=idempotency_key).first():
        return _same_request(existing, payee, amount)
    method, destination = payout_method_for(payee=payee, currency=amount.currency)
    now = timezone.now()
    with transaction.atomic():
        available = _available_locked(payee, amount.currency)
        if existing := Payout.objects.filter(idempotency_key=idempotency_key).first():
            return _same_request(existing, payee, amount)
        if available.balance_minor < amount.amount_minor:
            raise BusinessRuleViolation(
                _("That is more than the available earnings."),
                code="exceeds_available",
                details={"available_minor": available.balance_minor},
            )
        if (
            origin == Payout.Origin.WITHDRAWAL
            and Payout.objects.filter(payee=payee, origin=origin, state=State.REQUESTED).exists()
        ):
            raise StateConflict(
                _("A withdrawal is already waiting to be paid."), code="withdrawal_open"
            )
        payout = Payout.objects.create(
            reference=f"po_{secrets.token_hex(10)}", idempotency_key=idempotency_key,
            payee=payee, amount_minor=amount.amount_minor, currency=amount.currency,
            method=method, destination=destination, origin=origin,
            scheduled_for=scheduled_for or now, requested_by=actor,
        )  # fmt: skip
        in_flight = ledger_account(
            kind=Kind.PAYOUTS_IN_FLIGHT, currency=amount.currency, provider=method
        )
        ledger_post(
            kind=LedgerTransaction.Kind.PAYOUT, reference=f"payout:{payout.reference}",
            lines=[debit(available, amount), credit(in_flight, amount)],
            memo=f"payout {payout.reference} requested ({method})",
            subject=f"payout:{payout.reference}",
        )  # fmt: skip
        if method != PayoutMethod.MANUAL and payout.scheduled_for <= now:
            payout_send_queue(payout.pk)
    return payout


def payout_send_queue(payout_id: int) -> None:
    from billing.tasks import payout_send_run

    transaction.on_commit(lambda: payout_send_run.delay(payout_id))


def _amount(payout: Payout) -> Money:
    return Money(payout.amount_minor, payout.currency)


def _post_paid(payout: Payout) -> None:
    amount, method = _amount(payout), payout.method
    ledger_post(
        kind=LedgerTransaction.Kind.PAYOUT,
        reference=f"payout:{payout.reference}:paid",
        lines=[
            debit(
                ledger_account(
                    kind=Kind.PAYOUTS_IN_FLIGHT, currency=amount.currency, provider=method
                ),  # fmt: skip
                amount,
            ),
            credit(
                ledger_account(
                    kind=Kind.GATEWAY_CLEARING, currency=amount.currency, provider=method
                ),  # fmt: skip
                amount,
            ),
            credit(
                ledger_account(
                    kind=Kind.PROVIDER_PAID_OUT, currency=amount.currency, owner=payout.payee
                ),  # fmt: skip
                amount,
            ),
            debit(
                ledger_account(kind=Kind.PAYOUTS_SENT, currency=amount.currency, provider=method),
                amount,
            ),
        ],
        memo=f"payout {payout.reference} paid ({method})",
        subject=f"payout:{payout.reference}",
    )


def _reverse(payout: Payout, state: str, code: str = "") -> None:
    """Back to available: a correction of the request (the caller holds the payout's lock)."""
    _available_locked(payout.payee, payout.currency)
    ledger_correct(
        original=LedgerTransaction.objects.get(reference=f"payout:{payout.reference}"),
        reference=f"payout:{payout.reference}:reversed",
        memo=f"payout {payout.reference} {state}",
    )
    payout.state, payout.failure_code = state, code[:60]
    payout.save(update_fields=["state", "failure_code", "updated_at"])


def _locked(payout_id: int) -> Payout:
    return Payout.objects.select_for_update().select_related("payee").get(pk=payout_id)


def _refuse_state(payout: Payout, allowed: tuple[str, ...]) -> None:
    if payout.state not in allowed:
        raise StateConflict(
            _("A payout that is %(state)s cannot be changed this way.") % {"state": payout.state},
            code="wrong_state",
            details={"state": payout.state},
        )


def payout_confirm(*, actor, payout_id: int, bank_reference: str) -> Payout:
    """Staff confirm a payout they made by hand (or one a provider left pending) with the
    bank's reference: it is paid. Confirming it again with the same reference changes nothing."""
    require_staff(actor)
    if not bank_reference.strip():
        raise InvalidInput(_("Give the bank's reference of the transfer."), code="invalid")
    with transaction.atomic():
        payout = _locked(payout_id)
        if payout.state == State.PAID and payout.bank_reference == bank_reference.strip():
            return payout
        allowed = (State.REQUESTED, State.SENT) if payout.method == PayoutMethod.MANUAL else (
            State.SENT,
        )  # fmt: skip
        _refuse_state(payout, allowed)
        payout.state, payout.paid_at = State.PAID, timezone.now()
        payout.bank_reference, payout.decided_by = bank_reference.strip()[:120], actor
        payout.save(update_fields=["state", "paid_at", "bank_reference", "decided_by",
                                   "updated_at"])  # fmt: skip
        _post_paid(payout)
    return payout


def payout_cancel(*, actor, payout_id: int) -> Payout:
    """Cancel a payout not yet sent (staff, or the payee their own withdrawal): the money is
    available again."""
    with transaction.atomic():
        payout = _locked(payout_id)
        own_withdrawal = payout.payee_id == actor.pk and payout.origin == Payout.Origin.WITHDRAWAL
        if not (is_staff(actor) or own_withdrawal):
            raise NotAllowed(_("Only this marketplace's staff may do this."))
        if payout.state == State.CANCELLED:
            return payout
        _refuse_state(payout, (State.REQUESTED,))
        payout.decided_by = actor
        payout.save(update_fields=["decided_by", "updated_at"])
        _reverse(payout, State.CANCELLED)
    return payout


def payout_fail(*, actor, payout_id: int, reason: str) -> Payout:
    """Staff record that a payout did not arrive (a bounced transfer): back to available."""
    require_staff(actor)
    with transaction.atomic():
        payout = _locked(payout_id)
        if payout.state == State.FAILED:
            return payout
        _refuse_state(payout, (State.REQUESTED, State.SENT))
        payout.decided_by = actor
        payout.save(update_fields=["decided_by", "updated_at"])
        _reverse(payout, State.FAILED, reason or "failed")
    return payout


def payout_result_apply(*, payout_id: int, result: PayoutResult) -> Payout:
    """What the provider answered: pending → sent, paid → paid, failed → back to available."""
    with transaction.atomic():
        payout = _locked(payout_id)
        if payout.state not in (State.REQUESTED, State.SENT):
            return payout
        payout.raw = [*payout.raw, result.raw if result.raw is not None else {}]
        payout.provider_ref = result.payout_ref[:120]
        payout.state, payout.sent_at = State.SENT, payout.sent_at or timezone.now()
        payout.save(update_fields=["raw", "provider_ref", "state", "sent_at", "updated_at"])
        if result.state == "paid":
            payout.state, payout.paid_at = State.PAID, timezone.now()
            payout.save(update_fields=["state", "paid_at", "updated_at"])
            _post_paid(payout)
        elif result.state == "failed":
            _reverse(payout, State.FAILED, "provider_failed")
    return payout


def payout_send(*, payout_id: int) -> Payout:
    """Send a due payout through its provider (the Celery task's body). The payout is claimed
    (requested → sent, under its lock) before the provider is called, so it is sent at most
    once even by two runs, whatever the provider does with keys (FIB takes none). A refusal
    fails it (back to available); a provider that cannot be reached leaves it sent, for the
    provider's answer or staff (confirm or fail) to settle."""
    with transaction.atomic():
        payout = _locked(payout_id)
        if (
            payout.state != State.REQUESTED
            or payout.method == PayoutMethod.MANUAL
            or payout.scheduled_for > timezone.now()
        ):
            return payout
        payout.state, payout.sent_at = State.SENT, timezone.now()
        payout.save(update_fields=["state", "sent_at", "updated_at"])
    try:
        result = driver_for(payout.method).payout(
            payout.destination, _amount(payout), payout.reference
        )
    except ProviderError as exc:
        with transaction.atomic():
            payout = _locked(payout_id)
            payout.raw = [*payout.raw, exc.raw if exc.raw is not None else {"error": str(exc)}]
            payout.save(update_fields=["raw", "updated_at"])
            if exc.code == "provider_unreachable":
                logger.warning("payout %s: %s unreachable; left sent for staff",
                               payout.reference, payout.method)  # fmt: skip
                payout.failure_code = "provider_unreachable"
                payout.save(update_fields=["failure_code", "updated_at"])
                return payout
            logger.warning("payout %s refused by %s: %s", payout.reference, payout.method, exc)
            if payout.state == State.SENT:
                _reverse(payout, State.FAILED, exc.code)
        return payout
    return payout_result_apply(payout_id=payout_id, result=result)


def payouts_reconcile() -> int:
    """Ask the providers where the payouts they had not finished stand (sent a while ago, with
    the provider's reference) and apply each answer: paid lands in the paid-out total, failed
    goes back to available. A provider that cannot be reached is asked at the next run; a
    payout sent without a reference (the provider never answered) stays for staff. Returns
    how many were asked."""
    stale = (
        Payout.objects.filter(state=State.SENT, sent_at__lt=timezone.now() - RECONCILE_AFTER)
        .exclude(provider_ref="")
        .exclude(method=PayoutMethod.MANUAL)
    )
    asked = 0
    for payout in stale.order_by("sent_at")[:RECONCILE_BATCH]:
        try:
            result = driver_for(payout.method).payout_status(payout.provider_ref)
        except (ProviderError, BusinessRuleViolation) as exc:
            logger.warning("payout %s: no status from %s: %s", payout.reference, payout.method,
                           exc)  # fmt: skip
            continue
        asked += 1
        if result.state in ("paid", "failed"):
            payout_result_apply(payout_id=payout.pk, result=result)
    return asked
