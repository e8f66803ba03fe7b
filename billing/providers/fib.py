"""FIB (First Iraqi Bank): QR code and app links, confirmed asynchronously.

OAuth2 client credentials against FIB's Keycloak realm, then Bearer calls under
``/protected/v1``. Callbacks are unsigned ``{id, status}``: the driver reports them unverified and
billing re-queries the status. Refunds are full only. Payouts to an IBAN are created, then
authorised, then looked up. Amounts are whole dinars: Souk keeps IQD in fils (ISO exponent 3),
so an amount that is not whole dinars is refused before any call.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
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
    PayoutResult,
    ProviderError,
    RefundResult,
    Unsupported,
    dinars_received,
    provider_request,
    whole_dinars,
)

REALM = "/auth/realms/fib-online-shop/protocol/openid-connect/token"
API = "/protected/v1"
TIMEOUT = 15
STATES = {
    "UNPAID": PaymentState.PENDING,
    "PAID": PaymentState.PAID,
    "REFUND_REQUESTED": PaymentState.REFUND_PENDING,
    "REFUND_IN_PROGRESS": PaymentState.REFUND_PENDING,
    "REFUNDED": PaymentState.REFUNDED,
}
DECLINED = {
    "PAYMENT_EXPIRATION": PaymentState.EXPIRED,
    "PAYMENT_CANCELLATION": PaymentState.CANCELLED,
}
# A payout's status at FIB, as PayoutResult.state.
PAYOUT_STATES = {"CREATED": "pending", "AUTHORIZED": "pending", "PENDING": "pending",
                 "IN_PROGRESS": "pending", "COMPLETED": "paid", "PAID": "paid",
                 "FAILED": "failed", "REJECTED": "failed", "DECLINED": "failed"}  # fmt: skip
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def _iso_duration(seconds: int) -> str:
    return f"PT{max(seconds // 60, 1)}M"


class FibDriver(DriverDefaults):
    code = "fib"
    name = "FIB (First Iraqi Bank)"
    hosts = {"production": "https://fib.prod.fib.iq", "staging": "https://fib.stage.fib.iq"}
    credential_fields = ("client_id", "client_secret")
    currencies = frozenset({"IQD"})
    capabilities = frozenset({Capability.QR, Capability.APP_LINK, Capability.CANCEL,
                              Capability.REFUND, Capability.PAYOUT})  # fmt: skip

    def __init__(self, *, base_url: str, client_id: str, client_secret: str):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret

    # --- HTTP ---------------------------------------------------------------------------
    def _token(self, *, fresh: bool = False) -> str:
        key = (self.base_url, self.client_id)
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not fresh and cached[1] > time.monotonic():
                return cached[0]
        answer = self._send(
            "POST",
            REALM,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },  # fmt: skip
            authorised=False,
        )
        token, lifetime = answer["access_token"], int(answer.get("expires_in", 60))
        with _tokens_lock:
            _tokens[key] = (token, time.monotonic() + max(lifetime - 10, 1))
        return token

    def _send(self, method: str, path: str, *, authorised: bool = True, **kwargs) -> Any:
        for attempt in (1, 2):
            headers = (
                {"Authorization": f"Bearer {self._token(fresh=attempt == 2)}"} if authorised else {}
            )
            status, body = provider_request(
                "FIB", method, self.base_url + path, headers=headers, timeout=TIMEOUT, **kwargs
            )
            if status == 401 and authorised and attempt == 1:
                continue  # the token expired early: fetch a new one once
            break
        if status >= 400:
            errors = body.get("errors") if isinstance(body, dict) else None
            first = errors[0] if errors else {}
            raise ProviderError(
                first.get("detail") or f"FIB answered {status}.",
                code=str(first.get("code") or "provider_error").lower(),
                raw=body,
            )
        return body

    # --- the interface ------------------------------------------------------------------
    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        body: dict[str, Any] = {
            "monetaryValue": {
                "amount": whole_dinars(request.amount, provider="FIB"),
                "currency": "IQD",
            },
            "statusCallbackUrl": request.callback_url,
            "description": request.description[:50],
            "redirectUri": request.return_url,
            "category": "ECOMMERCE",
        }
        if request.expires_in:
            body["expiresIn"] = _iso_duration(int(request.expires_in.total_seconds()))
        answer = self._send("POST", f"{API}/payments", json=body)
        return PaymentSession(
            provider_ref=answer["paymentId"],
            state=PaymentState.PENDING,
            next_action=NextAction(
                type="qr",
                qr_image=answer.get("qrCode", ""),
                readable_code=answer.get("readableCode", ""),
                app_links={
                    name: answer[f"{name}AppLink"]
                    for name in ("personal", "business", "corporate")
                    if answer.get(f"{name}AppLink")
                },
            ),
            expires_at=datetime.fromisoformat(answer["validUntil"])
            if answer.get("validUntil")
            else None,
            raw={key: value for key, value in answer.items() if key != "qrCode"},
        )

    def get_status(self, provider_ref: str) -> PaymentStatus:
        answer = self._send("GET", f"{API}/payments/{provider_ref}/status")
        status = answer.get("status")
        if status == "DECLINED":
            state = DECLINED.get(str(answer.get("decliningReason")), PaymentState.FAILED)
        else:
            state = STATES.get(status, PaymentState.PENDING)
        return PaymentStatus(provider_ref, state, self._amount(answer.get("amount")), answer)

    @staticmethod
    def _amount(value: Any) -> Money | None:
        """FIB's ``{amount, currency}``: an integer of dinars, or a "500.00" string."""
        if not isinstance(value, dict) or value.get("currency") != "IQD":
            return None
        return dinars_received(value.get("amount"))

    def parse_notification(
        self, *, headers: dict[str, str], body: bytes, query: dict[str, str]
    ) -> Notification:
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise ProviderError("The callback is not JSON.", code="invalid_notification") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            raise ProviderError("The callback has no payment id.", code="invalid_notification")
        claimed = STATES.get(str(payload.get("status")))
        return Notification(payload["id"], claimed, verified=False, raw=payload)

    def acknowledge(self) -> tuple[int, str]:
        return 202, ""

    def cancel(self, provider_ref: str) -> None:
        self._send("POST", f"{API}/payments/{provider_ref}/cancel")

    def refund(self, provider_ref: str, amount: Money | None, idempotency_key: str) -> RefundResult:
        if amount is not None:
            raise Unsupported("FIB refunds a payment in full only.")
        self._send("POST", f"{API}/payments/{provider_ref}/refund")
        return RefundResult(provider_ref, PaymentState.REFUND_PENDING, raw=None)

    def payout(self, destination: str, amount: Money, idempotency_key: str) -> PayoutResult:
        """Send ``amount`` to the IBAN ``destination``: create the payout, authorise it, and
        report where it stands. FIB takes no idempotency key: the caller records the payout
        (by ``idempotency_key``, which is also its description at FIB) before calling."""
        dinars = whole_dinars(amount, provider="FIB")
        created = self._send(
            "POST",
            f"{API}/payouts",
            json={
                "amount": {"amount": dinars, "currency": "IQD"},
                "targetAccountIban": destination.replace(" ", "").upper(),
                "description": idempotency_key[:50],
            },
        )
        payout_id = (
            created.get("payoutId") or created.get("id") if isinstance(created, dict) else None
        )
        if not payout_id:
            raise ProviderError("FIB gave no payout id.", code="provider_error", raw=created)
        self._send("POST", f"{API}/payouts/{payout_id}/authorize")
        return self.payout_status(str(payout_id))

    def payout_status(self, payout_ref: str) -> PayoutResult:
        answer = self._send("GET", f"{API}/payouts/{payout_ref}")
        status = str(answer.get("status")) if isinstance(answer, dict) else ""
        return PayoutResult(payout_ref, PAYOUT_STATES.get(status, "pending"), answer)
