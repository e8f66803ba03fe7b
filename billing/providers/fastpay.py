"""FastPay: the customer is redirected to FastPay's page; FastPay reports only successes.

Every call carries ``store_id`` and ``store_password`` in its body and gets HTTP 200 with an
envelope ``{code, messages, data}``: a failure is a ``code`` of 422 or 404 inside the 200. The
IPN comes only for successful payments and is unsigned, so the driver reports it unverified
and billing validates the order; a payment that fails sends nothing and is found by
validating pending payments (billing's reconciliation). Refunds may be partial. Amounts are
whole dinars.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from billing.money import Money
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
    dinars_received,
    provider_request,
    whole_dinars,
)

BASE = "/api/v1/public/pgw/payment"
TIMEOUT = 15
STATES = {"Success": PaymentState.PAID, "Failed": PaymentState.FAILED,
          "Cancel": PaymentState.CANCELLED}  # fmt: skip


def order_id_of(merchant_ref: str) -> str:
    """FastPay's order id: 8 to 32 letters and digits, so ``pay_…`` loses its underscore."""
    return "".join(ch for ch in merchant_ref if ch.isalnum())[:32]


class FastPayDriver(DriverDefaults):
    code = "fastpay"
    name = "FastPay"
    hosts = {
        "production": "https://apigw-merchant.fast-pay.iq",
        "staging": "https://staging-apigw-merchant.fast-pay.iq",
    }
    credential_fields = ("store_id", "store_password")
    optional_credential_fields = ("refund_secret_key",)
    currencies = frozenset({"IQD"})
    capabilities = frozenset({Capability.REDIRECT, Capability.REFUND, Capability.PARTIAL_REFUND})

    def __init__(
        self, *, base_url: str, store_id: str, store_password: str, refund_secret_key: str = ""
    ):
        self.base_url = base_url.rstrip("/")
        self.store = {"store_id": store_id, "store_password": store_password}
        self.refund_secret_key = refund_secret_key

    def _call(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """(the envelope's code, its data); a transport failure is ``provider_unreachable``."""
        _status, envelope = provider_request(
            "FastPay", "POST", self.base_url + path, json=self.store | body, timeout=TIMEOUT
        )
        if not isinstance(envelope, dict) or "code" not in envelope:  # not FastPay's envelope
            raise ProviderError("FastPay answered an error.", code="provider_unreachable")
        return int(envelope.get("code") or 0), envelope.get("data") or envelope

    def _refused(self, code: int, data: Any, what: str) -> ProviderError:
        messages = data.get("messages") if isinstance(data, dict) else None
        detail = "; ".join(messages) if messages else f"FastPay refused the {what} ({code})."
        return ProviderError(detail, code=f"fastpay_{code}", raw=data)

    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        dinars = whole_dinars(request.amount, provider="FastPay")
        order_id = order_id_of(request.merchant_ref)
        cart = [{"name": request.description[:100], "qty": 1, "unit_price": dinars,
                 "sub_total": dinars}]  # fmt: skip
        code, data = self._call(
            f"{BASE}/initiation",
            {
                "order_id": order_id,
                "bill_amount": dinars,
                "currency": "IQD",
                "cart": json.dumps(cart),
                "success_url": request.return_url,
                "cancel_url": request.cancel_url,
                "callback_url": request.callback_url,
            },
        )
        # One sample says redirect_url: accept both.
        url = data.get("redirect_uri") or data.get("redirect_url") if code == 200 else None
        if not url:
            raise self._refused(code, data, "payment")
        return PaymentSession(
            provider_ref=order_id,
            state=PaymentState.PENDING,
            next_action=NextAction(type="redirect", url=url),
            expires_at=None,
            raw=data,
        )

    def get_status(self, provider_ref: str) -> PaymentStatus:
        code, data = self._call(f"{BASE}/validate", {"order_id": provider_ref})
        if code == 404:  # not paid (yet): FastPay knows no transaction for the order
            return PaymentStatus(provider_ref, PaymentState.PENDING, None, data)
        if code != 200 or not isinstance(data, dict):
            raise self._refused(code, data, "validation")
        state = STATES.get(str(data.get("status")), PaymentState.PENDING)
        amount = dinars_received(data.get("received_amount"))
        if data.get("currency") != "IQD":
            amount = None
        return PaymentStatus(provider_ref, state, amount, data)

    def parse_notification(
        self, *, headers: dict[str, str], body: bytes, query: dict[str, str]
    ) -> Notification:
        """The IPN, as JSON or a form: same fields as validate."""
        try:
            payload = json.loads(body)
        except ValueError:
            payload = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        order_id = (
            payload.get("merchant_order_id") or payload.get("order_id")
            if isinstance(payload, dict)
            else None
        )
        if not isinstance(order_id, str) or not order_id:
            raise ProviderError("The notification names no order.", code="invalid_notification")
        return Notification(
            order_id, STATES.get(str(payload.get("status"))), verified=False, raw=payload
        )

    def acknowledge(self) -> tuple[int, str]:
        return 200, "OK"

    def cancel(self, provider_ref: str) -> None:
        raise Unsupported("FastPay has no way to cancel a payment.")

    def refund(self, provider_ref: str, amount: Money | None, idempotency_key: str) -> RefundResult:
        if amount is None:
            status = self.get_status(provider_ref)
            if status.amount is None:
                raise ProviderError("FastPay holds no payment to refund.", code="not_paid")
            amount = status.amount
        code, data = self._call(
            f"{BASE}/refund",
            {
                "order_id": provider_ref,
                "amount": whole_dinars(amount, provider="FastPay"),
                "refund_secret_key": self.refund_secret_key,
                "msisdn": "",
            },
        )
        summary = data.get("summary") if code == 200 and isinstance(data, dict) else None
        if not isinstance(summary, dict):
            raise self._refused(code, data, "refund")
        invoice = summary.get("refund_invoice_id") or summary.get("invoice_id") or ""
        return RefundResult(str(invoice), PaymentState.REFUNDED, raw=data)
