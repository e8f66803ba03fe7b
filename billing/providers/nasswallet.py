"""NassWallet: the customer is redirected to NassWallet's checkout portal; confirmed
asynchronously.

Every body either way is wrapped ``{"data": …}`` and success is ``responseCode == 0``. The
merchant logs in with its Basic token and username/password for a Bearer token (cached per
merchant, renewed when it runs out or is refused), then calls ``initTransaction`` and sends the
customer to the portal. The callback ``{data:{orderId, amount, InitTransactionId,
transactionStatus}}`` goes to the merchant URL configured at NassWallet with ``/callback``
appended; it is unsigned, so the driver reports it unverified and billing re-queries
(``checkTransaction``), which also checks the amount. NassWallet has no refund and no cancel
API: both raise Unsupported, and billing marks a refund ``manual_refund_required`` for staff.
Amounts are strings of whole dinars.
"""

from __future__ import annotations

import json
import threading
import time
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

TIMEOUT = 15
TOKEN_SECONDS = 300  # when login does not say how long its token lives
# checkTransaction's transactionStatus: words ([3P]) or the callback's numbers (0 = success).
STATES: dict[str, PaymentState] = {
    "SUCCESS": PaymentState.PAID,
    "0": PaymentState.PAID,
    "FAILED": PaymentState.FAILED,
    "FAILURE": PaymentState.FAILED,
    "DECLINED": PaymentState.FAILED,
    "EXPIRED": PaymentState.EXPIRED,
    "CANCELLED": PaymentState.CANCELLED,
}
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def _claimed(value: Any) -> PaymentState | None:
    """A callback's ``transactionStatus``: 0 is success, another number a failure."""
    text = str(value).strip().upper()
    if text.lstrip("-").isdigit():
        return PaymentState.PAID if int(text) == 0 else PaymentState.FAILED
    return STATES.get(text)


# The checkout portal of each of NassWallet's own API hosts.
PORTALS = {
    "https://gw-api.nasswallet.com/phase3/payment/transaction":
        "https://checkout.nasswallet.com/payment-gateway",
    "https://uatgw1.nasswallet.com/payment/transaction":
        "https://uatcheckout1.nasswallet.com/payment-gateway",
}  # fmt: skip


class NassWalletDriver(DriverDefaults):
    code = "nasswallet"
    name = "NassWallet"
    capabilities = frozenset({Capability.REDIRECT})
    hosts = {
        "production": "https://gw-api.nasswallet.com/phase3/payment/transaction",
        "staging": "https://uatgw1.nasswallet.com/payment/transaction",
    }
    sandbox_path = "/payment/transaction"
    credential_fields = ("username", "password", "basic_token", "transaction_pin")
    optional_credential_fields = ("portal_url", "language")
    currencies = frozenset({"IQD"})

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        basic_token: str,
        transaction_pin: str,
        portal_url: str = "",
        language: str = "ar",
    ):
        self.base_url = base_url.rstrip("/")
        self.username, self.password = username, password
        self.basic_token = basic_token.removeprefix("Basic ").strip()
        self.transaction_pin = transaction_pin
        origin = urllib.parse.urlsplit(self.base_url)
        self.portal_url = (
            portal_url
            or PORTALS.get(self.base_url)
            or f"{origin.scheme}://{origin.netloc}/payment-gateway"
        )
        self.language = language if language in ("en", "ar", "ku") else "en"

    # --- HTTP ---------------------------------------------------------------------------
    def _post(self, path: str, data: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        return provider_request(
            "NassWallet", "POST", f"{self.base_url}/{path}", json={"data": data},
            headers=headers, timeout=TIMEOUT,
        )  # fmt: skip

    @staticmethod
    def _refused(body: Any, what: str) -> ProviderError:
        code = body.get("responseCode") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        return ProviderError(
            message or f"NassWallet refused the {what}.", code=f"nasswallet_{code}", raw=body
        )

    def _token(self, *, fresh: bool = False) -> str:
        key = (self.base_url, self.username)
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not fresh and cached[1] > time.monotonic():
                return cached[0]
        status, body = self._post(
            "login",
            {"username": self.username, "password": self.password, "grantType": "password"},
            {"authorization": f"Basic {self.basic_token}"},
        )
        data = body.get("data") if isinstance(body, dict) else None
        if status >= 400 or body.get("responseCode") != 0 or not isinstance(data, dict):
            raise self._refused(body, "login")
        token = data.get("access_token") or data.get("accessToken")
        if not token:
            raise self._refused(body, "login")
        lifetime = int(data.get("expires_in") or TOKEN_SECONDS)
        with _tokens_lock:
            _tokens[key] = (token, time.monotonic() + max(lifetime - 10, 1))
        return token

    def _call(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` of a successful answer; a refused token is renewed once."""
        for attempt in (1, 2):
            headers = {"authorization": f"Bearer {self._token(fresh=attempt == 2)}"}
            status, body = self._post(path, data, headers)
            unauthorised = status == 401 or (
                isinstance(body, dict) and body.get("responseCode") == 401
            )
            if not (unauthorised and attempt == 1):
                break
        if status >= 400 or not isinstance(body, dict) or body.get("responseCode") != 0:
            raise self._refused(body, path)
        return body.get("data") or {}

    # --- the interface ------------------------------------------------------------------
    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        dinars = whole_dinars(request.amount, provider="NassWallet")
        data = self._call(
            "initTransaction",
            {
                "userIdentifier": self.username,
                "transactionPin": self.transaction_pin,
                "orderId": request.merchant_ref,
                "amount": str(dinars),
                "languageCode": self.language,
            },
        )
        transaction_id, token = data.get("transactionId"), data.get("token")
        if not transaction_id or not token:
            raise ProviderError("NassWallet gave no transaction.", code="nasswallet_no_transaction")
        query = urllib.parse.urlencode(
            {"id": transaction_id, "token": token, "userIdentifier": self.username}
        )
        return PaymentSession(
            provider_ref=str(transaction_id),
            state=PaymentState.PENDING,
            next_action=NextAction(type="redirect", url=f"{self.portal_url}?{query}"),
            expires_at=None,
            raw={"transactionId": transaction_id, "orderId": request.merchant_ref},
        )

    def get_status(self, provider_ref: str) -> PaymentStatus:
        data = self._call("checkTransaction", {"transactionId": provider_ref})
        state = _claimed(data.get("transactionStatus")) or PaymentState.PENDING
        amount = dinars_received(data.get("amount")) if data.get("amount") is not None else None
        if data.get("currency", "IQD") != "IQD":
            amount = None
        return PaymentStatus(provider_ref, state, amount, data)

    def parse_notification(
        self, *, headers: dict[str, str], body: bytes, query: dict[str, str]
    ) -> Notification:
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise ProviderError("The callback is not JSON.", code="invalid_notification") from exc
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise ProviderError("The callback has no data.", code="invalid_notification")
        transaction_id = data.get("InitTransactionId") or data.get("initTransactionId")
        if not isinstance(transaction_id, str | int) or not str(transaction_id):
            raise ProviderError("The callback names no transaction.", code="invalid_notification")
        claimed = _claimed(data.get("transactionStatus"))
        return Notification(str(transaction_id), claimed, verified=False, raw=payload)

    def acknowledge(self) -> tuple[int, str]:
        return 200, "SUCCESS"

    def cancel(self, provider_ref: str) -> None:
        raise Unsupported("NassWallet has no way to cancel a payment.")

    def refund(self, provider_ref: str, amount: Money | None, idempotency_key: str) -> RefundResult:
        raise Unsupported("NassWallet has no refund API: staff refund the customer by hand.")
