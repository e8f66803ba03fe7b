"""Taking money: create a payment through a provider, then move it only on what the provider
says (its status, fetched by us), posting the ledger and telling the subject's app once paid.

Provider calls happen outside any transaction or row lock; each result is applied under the
payment's row lock, idempotently, so a repeated or out-of-order notification changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.hooks import payment_settled_handler
from billing.models import (
    LedgerAccount,
    LedgerTransaction,
    Payment,
    PaymentExchange,
    Receipt,
    SavedPaymentMethod,
)
from billing.money import Money
from billing.providers.base import (
    PaymentRequest,
    PaymentState,
    PaymentStatus,
    ProviderError,
    SavedMethod,
)
from billing.providers.registry import driver_for
from billing.services.ledger import credit, debit, ledger_account, ledger_post
from billing.services.receipts import receipt_queue
from config.errors import BusinessRuleViolation, InvalidInput, ServiceError, StateConflict
from tenants.db import connection

logger = logging.getLogger(__name__)
User = get_user_model()
Kind = LedgerAccount.Kind
# Where a payment's money may be allocated when it is paid.
ALLOCATABLE = frozenset({Kind.CUSTOMER_BALANCE, Kind.PROVIDER_PENDING, Kind.PLATFORM_FEES,
                         Kind.BUYER_FEES})  # fmt: skip
FINAL = frozenset({PaymentState.PAID, PaymentState.FAILED, PaymentState.CANCELLED,
                   PaymentState.EXPIRED, PaymentState.REFUNDED})  # fmt: skip
LEDGER_KIND: dict[str, str] = {
    Payment.Purpose.CHARGE: LedgerTransaction.Kind.CHARGE,
    Payment.Purpose.DEPOSIT: LedgerTransaction.Kind.DEPOSIT,
    Payment.Purpose.BALANCE_PAYMENT: LedgerTransaction.Kind.BALANCE_PAYMENT,
    Payment.Purpose.TOP_UP: LedgerTransaction.Kind.TOP_UP,
}
PAYMENT_LIFETIME = timedelta(hours=8)


class ProviderUnavailable(BusinessRuleViolation):
    status = 502
    code = "provider_unavailable"


@dataclass(frozen=True)
class Allocation:
    """Part of a payment credited to an account when it is paid."""

    kind: str
    amount: Money
    owner_id: int | None = None


def _checked_allocations(amount: Money, allocations: Sequence[Allocation]) -> list[dict]:
    if amount.amount_minor <= 0:
        raise InvalidInput(_("A payment must be positive."), code="invalid_amount")
    if any(a.kind not in ALLOCATABLE or a.amount.amount_minor <= 0 for a in allocations):
        raise InvalidInput(_("Each part of a payment goes to a known account."), code="invalid")
    if sum((a.amount for a in allocations), Money.zero(amount.currency)) != amount:
        raise InvalidInput(_("The parts of a payment must add up to it."), code="unbalanced")
    return [
        {"kind": a.kind, "owner_id": a.owner_id, "amount_minor": a.amount.amount_minor}
        for a in allocations
    ]


def _exchange(payment: Payment | None, provider: str, direction: str, body, note: str = "") -> None:
    PaymentExchange.objects.create(
        payment=payment, provider=provider, direction=direction,
        body=body if isinstance(body, dict | list) else {"text": str(body)}, note=note[:255],
    )  # fmt: skip


def payment_create(
    *,
    payer,
    subject: str,
    purpose: str,
    amount: Money,
    provider: str,
    allocations: Sequence[Allocation],
    idempotency_key: str,
    return_url: str,
    description: str = "",
    save_method: bool = False,
    saved_method: SavedPaymentMethod | None = None,
) -> Payment:
    """Open a payment with ``provider``; the same ``idempotency_key`` returns the same payment
    (409 if it was used for another one). Its ``next_action`` tells the customer what to do.

    ``save_method`` asks the provider to keep the payer's method for off-session charges;
    ``saved_method`` charges one kept before, without the payer (Capability.OFF_SESSION): a
    refusal that needs the payer is a 422 ``off_session_failed``."""
    planned = _checked_allocations(amount, allocations)
    if saved_method is not None and (saved_method.provider, saved_method.user_id) != (
        provider,
        payer.pk,
    ):
        raise InvalidInput(_("This payment method is not the payer's."), code="invalid_method")
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        same = (existing.payer_id, existing.subject, existing.amount_minor, existing.currency)
        if same != (payer.pk, subject, amount.amount_minor, amount.currency):
            raise StateConflict(
                _("This idempotency key was used for another payment."),
                code="idempotency_key_reused",
            )
        return existing
    driver = driver_for(provider)
    with transaction.atomic():
        payment = Payment.objects.create(
            reference=f"pay_{secrets.token_hex(10)}", provider=provider, purpose=purpose,
            subject=subject, payer=payer, amount_minor=amount.amount_minor,
            currency=amount.currency, idempotency_key=idempotency_key, allocations=planned,
        )  # fmt: skip
    request = PaymentRequest(
        merchant_ref=payment.reference,
        amount=amount,
        description=description or payment.reference,
        return_url=return_url,
        cancel_url=return_url,
        callback_url=connection.tenant.absolute_url(f"/api/v1/payments/webhooks/{provider}/"),
        idempotency_key=idempotency_key,
        expires_in=PAYMENT_LIFETIME,
        save_method=save_method,
        customer_ref=saved_method.customer_ref if saved_method else "",
        transfer_group=subject,
    )
    sent = {"amount": str(amount), "callback_url": request.callback_url, "return_url": return_url,
            "save_method": save_method,
            "saved_method": saved_method.pk if saved_method else None}  # fmt: skip
    _exchange(payment, provider, PaymentExchange.Direction.REQUEST, sent)
    try:
        if saved_method is None:
            session = driver.create_payment(request)
        else:
            session = driver.charge_saved(request, _saved(saved_method))
    except ProviderError as exc:
        _exchange(payment, provider, PaymentExchange.Direction.ERROR, exc.raw or {}, str(exc))
        Payment.objects.filter(pk=payment.pk).update(
            state=PaymentState.FAILED, failure_code=exc.code[:60], updated_at=timezone.now()
        )
        if exc.code == "provider_unreachable":
            raise ProviderUnavailable(
                _("The payment provider could not be reached; try again shortly."), code=exc.code
            ) from exc
        raise BusinessRuleViolation(
            _("The payment provider refused the payment."),
            code=exc.code,
            details={"provider_message": str(exc)},
        ) from exc
    _exchange(payment, provider, PaymentExchange.Direction.RESPONSE, session.raw)
    payment.provider_ref = session.provider_ref
    payment.next_action = asdict(session.next_action)
    payment.expires_at = session.expires_at
    payment.save(update_fields=["provider_ref", "next_action", "expires_at", "updated_at"])
    if saved_method is not None and session.state != PaymentState.PENDING:
        # An off-session charge is often decided at once: apply the provider's own status.
        return payment_refresh(payment=payment)
    return payment


def _saved(method: SavedPaymentMethod) -> SavedMethod:
    return SavedMethod(
        customer_ref=method.customer_ref, method_ref=method.method_ref, label=method.label
    )


def payment_refresh(*, payment: Payment) -> Payment:
    """Ask the provider where ``payment`` stands and apply the answer."""
    if payment.state in FINAL or not payment.provider_ref:
        return payment
    status = driver_for(payment.provider).get_status(payment.provider_ref)
    return payment_status_apply(payment_id=payment.pk, status=status)


def _post_paid(payment: Payment, *, to_suspense: bool) -> None:
    """Clearing to the payment's allocations, or all of it to suspense when the subject's app
    refused the money (the booking was cancelled meanwhile, say): staff then refund it."""
    currency = payment.currency
    amount = Money(payment.amount_minor, currency)
    clearing = ledger_account(
        kind=Kind.GATEWAY_CLEARING, currency=currency, provider=payment.provider
    )
    lines = [debit(clearing, amount)]
    if to_suspense:
        lines.append(credit(ledger_account(kind=Kind.SUSPENSE, currency=currency), amount))
    for part in [] if to_suspense else payment.allocations:
        owner: Any = None
        if part["kind"] == Kind.CUSTOMER_BALANCE:
            owner = payment.payer
        elif part["owner_id"]:
            owner = User.objects.get(pk=part["owner_id"])
        account = ledger_account(kind=part["kind"], currency=currency, owner=owner)
        lines.append(credit(account, Money(part["amount_minor"], currency)))
    ledger_post(
        kind=LEDGER_KIND[payment.purpose], reference=f"payment:{payment.reference}", lines=lines,
        memo=f"{payment.provider} {payment.provider_ref} for {payment.subject}",
        subject="" if to_suspense else payment.subject,
    )  # fmt: skip


def _tell_subject(payment: Payment) -> str:
    """Run the subject app's settled hook in a savepoint; the code of its refusal, or ""."""
    handler = payment_settled_handler(payment.subject)
    if handler is None:
        return ""
    try:
        with transaction.atomic():
            handler(payment)
    except ServiceError as exc:
        logger.warning("payment %s: %s refused it: %s", payment.reference, payment.subject, exc)
        return exc.code
    return ""


def _saved_method_record(payment: Payment, method: SavedMethod) -> None:
    """Keep the method the provider saved with this payment, for charging its payer later."""
    SavedPaymentMethod.objects.update_or_create(
        provider=payment.provider, method_ref=method.method_ref,
        defaults={"user_id": payment.payer_id, "customer_ref": method.customer_ref,
                  "label": method.label[:80]},
    )  # fmt: skip


def payment_status_apply(*, payment_id: int, status: PaymentStatus) -> Payment:
    """Apply the provider's authoritative ``status``. Paid: the amount and currency must be
    the payment's (else nothing moves and the mismatch is recorded); the subject's app is told
    and the ledger posts, all in one transaction, once. Money the subject's app refuses goes to
    suspense, never back into thin air."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        _exchange(payment, payment.provider, PaymentExchange.Direction.STATUS, status.raw or {})
        if payment.state in FINAL or status.state == payment.state:
            return payment
        if status.state == PaymentState.PAID:
            expected = Money(payment.amount_minor, payment.currency)
            if status.amount != expected:
                logger.warning(
                    "payment %s: provider says %s paid, expected %s", payment.reference,
                    status.amount, expected,
                )  # fmt: skip
                payment.failure_code = "amount_mismatch"
                payment.save(update_fields=["failure_code", "updated_at"])
                return payment
            payment.state, payment.paid_at = PaymentState.PAID, timezone.now()
            payment.save(update_fields=["state", "paid_at", "updated_at"])
            if status.saved_method is not None:
                _saved_method_record(payment, status.saved_method)
            refused = _tell_subject(payment)
            _post_paid(payment, to_suspense=bool(refused))
            if refused:
                payment.failure_code = f"subject_refused:{refused}"[:60]
                payment.save(update_fields=["failure_code", "updated_at"])
            receipt_queue(kind=Receipt.Kind.PAYMENT, reference=payment.reference)
            return payment
        if status.state in (PaymentState.FAILED, PaymentState.CANCELLED, PaymentState.EXPIRED):
            payment.state = status.state
            payment.save(update_fields=["state", "updated_at"])
        return payment


def payment_provider_refund(*, payment_id: int, amount_minor: int, key: str) -> str:
    """The provider's side of a decided refund. Where the provider cannot (FIB refunds only in
    full, NassWallet has no refund API) the payment is marked ``manual_refund_required`` for
    staff, and the exchange says why."""
    payment = Payment.objects.get(pk=payment_id)
    if not payment.provider_ref:
        return "no_provider_payment"
    driver = driver_for(payment.provider)
    whole = amount_minor == payment.amount_minor
    amount = None if whole else Money(amount_minor, payment.currency)
    try:
        result = driver.refund(payment.provider_ref, amount, key)
    except ProviderError as exc:
        _exchange(
            payment, payment.provider, PaymentExchange.Direction.ERROR, exc.raw or {}, str(exc)
        )
        if exc.code == "provider_unreachable":
            raise OSError(str(exc)) from exc  # the task retries
        Payment.objects.filter(pk=payment.pk).update(failure_code="manual_refund_required")
        return "manual_refund_required"
    _exchange(payment, payment.provider, PaymentExchange.Direction.RESPONSE, result.raw or {},
              f"refund {result.refund_ref} {result.state}")  # fmt: skip
    return str(result.state)
