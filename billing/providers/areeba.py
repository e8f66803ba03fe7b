"""areeba: Mastercard Payment Gateway Services (MPGS) hosted checkout.

HTTP Basic ``merchant.{mid}:{apiPassword}`` on every call. A payment is an INITIATE_CHECKOUT
session for our reference as the order id; the customer pays on ``{host}/checkout/pay/{sessionId}``
and comes back to the return URL with ``resultIndicator``, which is a success only if it equals
the session's ``successIndicator`` (kept in the stored create response, see ``return_verified``).
Retrieve Order is the source of truth. Notifications carry ``X-Notification-Secret``, compared in
constant time with the marketplace's configured secret: a wrong one is refused, a right one is
still confirmed by Retrieve Order. Refunds (partial allowed) and VOID (as cancel) are
transactions PUT under our own new transaction id, so a retry is the same transaction.

Amounts are decimal strings. areeba Iraq takes IQD in whole dinars although MPGS gives IQD an
exponent of 3: an amount that is not whole dinars is refused before any call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from billing.money import Money, MoneyError
from billing.providers.base import (
    Capability,
    DriverDefaults,
    NextAction,
    Notification,
    PaymentRequest,
    PaymentSession,
    PaymentState,
    PaymentStatus,
    ProviderError,
    RefundResult,
    Unsupported,
    provider_request,
    whole_dinars,
)

TIMEOUT = 15
STATES = {
    "CAPTURED": PaymentState.PAID,
    "PURCHASED": PaymentState.PAID,
    "DECLINED": PaymentState.FAILED,
    "FAILED": PaymentState.FAILED,
    "AUTHENTICATION_UNSUCCESSFUL": PaymentState.FAILED,
    "EXPIRED": PaymentState.EXPIRED,
    "CANCELLED": PaymentState.CANCELLED,
    "REFUNDED": PaymentState.REFUNDED,
    "PARTIALLY_REFUNDED": PaymentState.PARTIALLY_REFUNDED,
}
TRANSACTION_ID = re.compile(r"[^A-Za-z0-9_\-]")


def amount_text(amount: Money) -> str:
    """Our minor units as areeba's decimal string: whole dinars for IQD, else ISO decimals."""
    if amount.currency == "IQD":
        return str(whole_dinars(amount, provider="areeba"))
    try:
        return f"{amount.to_major():f}"
    except MoneyError as exc:
        raise ProviderError(str(exc), code="currency_not_supported") from exc


def amount_read(value: Any, currency: Any) -> Money | None:
    """An amount areeba reports (a JSON number or a string) as Money; None if unreadable."""
    try:
        return Money.from_major(Decimal(str(value)), str(currency))
    except (InvalidOperation, MoneyError, ValueError):
        return None


def transaction_id_of(idempotency_key: str, operation: str) -> str:
    """Our id for a new transaction (at most 40 characters), the same for the same key, so a
    retried refund or void is the transaction already made."""
    readable = TRANSACTION_ID.sub("", idempotency_key)[:20]
    digest = hashlib.sha256(f"{operation}:{idempotency_key}".encode()).hexdigest()[:12]
    return f"{operation[0].lower()}-{readable}-{digest}"


class AreebaDriver(DriverDefaults):
    code = "areeba"
    name = "areeba (Mastercard Gateway)"
    hosts = {"production": "https://epayment.areeba.com"}
    credential_fields = ("merchant_id", "api_password", "webhook_secret")
    optional_credential_fields = ("merchant_name", "api_version")
    currencies = frozenset({"IQD"})
    capabilities = frozenset({Capability.REDIRECT, Capability.CANCEL, Capability.REFUND,
                              Capability.PARTIAL_REFUND, Capability.SIGNED_NOTIFY})  # fmt: skip

    def __init__(
        self,
        *,
        base_url: str,
        merchant_id: str,
        api_password: str,
        webhook_secret: str = "",  # without it every notification is refused
        merchant_name: str = "",
        api_version: str = "72",
    ):
        self.base_url = base_url.rstrip("/")
        self.merchant_id = merchant_id
        self.auth = (f"merchant.{merchant_id}", api_password)
        self.webhook_secret = webhook_secret
        self.merchant_name = merchant_name
        self.api = f"/api/rest/version/{api_version}/merchant/{merchant_id}"

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        return provider_request(
            "areeba", method, self.base_url + self.api + path, json=body, auth=self.auth,
            timeout=TIMEOUT,
        )  # fmt: skip

    @staticmethod
    def _refused(answer: Any, what: str) -> ProviderError:
        error = answer.get("error") if isinstance(answer, dict) else None
        error = error if isinstance(error, dict) else {}
        cause = str(error.get("cause") or "error").lower()
        explanation = error.get("explanation") or f"areeba refused the {what}."
        return ProviderError(explanation, code=f"areeba_{cause}", raw=answer)

    # --- the interface ------------------------------------------------------------------
    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        amount = amount_text(request.amount)
        status, answer = self._send(
            "POST",
            "/session",
            {
                "apiOperation": "INITIATE_CHECKOUT",
                "interaction": {
                    "operation": "PURCHASE",
                    "returnUrl": request.return_url,
                    "cancelUrl": request.cancel_url,
                    "merchant": {"name": self.merchant_name or self.merchant_id},
                },
                "order": {
                    "id": request.merchant_ref,
                    "amount": amount,
                    "currency": request.amount.currency,
                    "description": request.description[:127],
                },
            },
        )
        session = answer.get("session") if isinstance(answer, dict) else None
        if status >= 400 or answer.get("result") != "SUCCESS" or not isinstance(session, dict):
            raise self._refused(answer, "checkout session")
        return PaymentSession(
            provider_ref=request.merchant_ref,
            state=PaymentState.PENDING,
            next_action=NextAction(
                type="redirect", url=f"{self.base_url}/checkout/pay/{session['id']}"
            ),
            expires_at=None,
            # successIndicator stays with the payment's stored response, for return_verified.
            raw={"session": session, "successIndicator": answer.get("successIndicator", "")},
        )

    @staticmethod
    def return_verified(created: Any, query: dict[str, str]) -> bool:
        """Whether the customer's return (``resultIndicator`` in its query) is the success the
        session ``created`` announced; compared in constant time."""
        expected = created.get("successIndicator") if isinstance(created, dict) else None
        given = query.get("resultIndicator") or ""
        return bool(expected) and hmac.compare_digest(str(expected), str(given))

    def get_status(self, provider_ref: str) -> PaymentStatus:
        status, answer = self._send("GET", f"/order/{provider_ref}")
        error = answer.get("error") if isinstance(answer, dict) else None
        if status == 404 or (status == 400 and isinstance(error, dict)
                             and error.get("field") == "orderId"):  # fmt: skip
            # No order until the customer tries to pay: still pending.
            return PaymentStatus(provider_ref, PaymentState.PENDING, None, answer)
        if status >= 400 or not isinstance(answer, dict):
            raise self._refused(answer, "order lookup")
        state = STATES.get(str(answer.get("status")), PaymentState.PENDING)
        captured = answer.get("totalCapturedAmount", answer.get("amount"))
        amount = amount_read(captured, answer.get("currency"))
        return PaymentStatus(provider_ref, state, amount, answer)

    def parse_notification(
        self, *, headers: dict[str, str], body: bytes, query: dict[str, str]
    ) -> Notification:
        given = next(
            (value for key, value in headers.items() if key.lower() == "x-notification-secret"),
            "",
        )
        if not self.webhook_secret or not hmac.compare_digest(
            given.encode(), self.webhook_secret.encode()
        ):
            raise ProviderError("The notification secret is wrong.", code="invalid_signature")
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise ProviderError(
                "The notification is not JSON.", code="invalid_notification"
            ) from exc
        order = payload.get("order") if isinstance(payload, dict) else None
        if not isinstance(order, dict) or not isinstance(order.get("id"), str):
            raise ProviderError("The notification names no order.", code="invalid_notification")
        claimed = STATES.get(str(order.get("status")))
        return Notification(order["id"], claimed, verified=True, raw=payload)

    def acknowledge(self) -> tuple[int, str]:
        return 200, ""

    def _transaction(self, provider_ref: str, txn_id: str, body: dict[str, Any]) -> Any:
        status, answer = self._send("PUT", f"/order/{provider_ref}/transaction/{txn_id}", body)
        if status >= 400 or not isinstance(answer, dict) or answer.get("result") != "SUCCESS":
            raise self._refused(answer, body["apiOperation"].lower())
        return answer

    def cancel(self, provider_ref: str) -> None:
        """VOID the order's payment (only before the day's settlement, as MPGS allows)."""
        status = self.get_status(provider_ref)
        payments = [
            t for t in (status.raw.get("transaction") or [])
            if isinstance(t, dict) and t.get("type") in ("PAYMENT", "CAPTURE")
        ] if isinstance(status.raw, dict) else []  # fmt: skip
        if not payments:
            raise Unsupported("areeba has no payment for this order to void.")
        target = str(payments[-1]["id"])
        self._transaction(
            provider_ref,
            transaction_id_of(f"{provider_ref}:{target}", "VOID"),
            {"apiOperation": "VOID", "transaction": {"targetTransactionId": target}},
        )

    def refund(self, provider_ref: str, amount: Money | None, idempotency_key: str) -> RefundResult:
        if amount is None:
            status = self.get_status(provider_ref)
            raw = status.raw if isinstance(status.raw, dict) else {}
            currency = raw.get("currency")
            captured = amount_read(raw.get("totalCapturedAmount"), currency)
            refunded = amount_read(raw.get("totalRefundedAmount", 0), currency)
            if captured is None or refunded is None or captured <= refunded:
                raise ProviderError("areeba holds no payment to refund.", code="not_paid")
            amount = captured - refunded
        txn_id = transaction_id_of(idempotency_key, "REFUND")
        answer = self._transaction(
            provider_ref,
            txn_id,
            {
                "apiOperation": "REFUND",
                "transaction": {"amount": amount_text(amount), "currency": amount.currency},
            },
        )
        order = answer.get("order") or {}
        state = STATES.get(str(order.get("status")), PaymentState.REFUND_PENDING)
        return RefundResult(txn_id, state, raw=answer)
