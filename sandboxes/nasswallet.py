"""The NassWallet sandbox: a merchant login for a Bearer token, initTransaction, a small checkout
portal, checkTransaction, the ``{"data": …}`` wrapping with ``responseCode`` 0 for success, and
the unsigned callback ``{data:{orderId, amount, InitTransactionId, transactionStatus}}`` POSTed
to the merchant's configured URL with ``/callback`` appended. NassWallet has no refund and no
cancel API, and neither has this sandbox.

Run: ``python -m sandboxes.nasswallet --port 8703 [--merchant-url URL]``; the API is under
``/payment/transaction`` (as on NassWallet's UAT host), the portal at ``/payment-gateway``.
Test hooks: ``POST /__sandbox/merchant`` ``{"callbackUrl": …}`` sets the merchant URL (what a
merchant types into NassWallet's portal); ``POST /__sandbox/payments/<transactionId>/outcome``
``{"outcome": "paid" | "declined" | "expired"}`` (optionally ``"amount"``, a string, to pay
another sum; ``"callback": false`` to send none) decides and fires the callback, and answers
with what it sent; ``POST /__sandbox/tokens/expire`` ends every token early.
"""

from __future__ import annotations

import argparse
import base64
import html
import secrets
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.server import Request, Response, Sandbox

API = "/payment/transaction"
PORTAL = "/payment-gateway"
# The demo merchant: its Basic token (issued by NassWallet to the merchant), login and PIN.
MERCHANTS = {
    "souk-sandbox-merchant": {
        "basic": base64.b64encode(b"souk-sandbox-merchant:sandbox-basic-secret").decode(),
        "password": "sandbox-merchant-pass",
        "pin": "1234",
    }
}
TOKEN_SECONDS = 300
LANGUAGES = {"en", "ar", "ku"}
# checkTransaction's transactionStatus, and the callback's (0 = success) for each outcome.
OUTCOMES = {"paid": ("SUCCESS", 0), "declined": ("FAILED", 1), "expired": ("EXPIRED", 2)}


def _now() -> datetime:
    return datetime.now(UTC)


def _answer(code: int, message: str, data: Any = None, *, status: int = 200) -> Response:
    """NassWallet wraps every answer: ``responseCode`` 0 is success, anything else a refusal."""
    return status, {"responseCode": code, "message": message, "data": data}, {}


class NassWalletSandbox(Sandbox):
    name = "nasswallet"

    def __init__(self, merchant_url: str = "") -> None:
        super().__init__()
        self.merchant_url = merchant_url
        self.tokens: dict[str, tuple[str, datetime]] = {}
        self.logins = 0
        self.transactions: dict[str, dict[str, Any]] = {}
        self.route("POST", f"{API}/login", self.login)
        self.route("POST", f"{API}/initTransaction", self.init_transaction)
        self.route("POST", f"{API}/checkTransaction", self.check_transaction)
        self.route("GET", PORTAL, self.portal)
        self.route("POST", "/__sandbox/merchant", self.merchant)
        self.route("POST", "/__sandbox/tokens/expire", self.tokens_expire)
        self.route("POST", "/__sandbox/payments/(?P<id>[^/]+)/outcome", self.outcome)
        self.route("GET", "/__sandbox/payments/(?P<id>[^/]+)", self.peek)
        self.route("GET", "/__sandbox/stats", self.stats)

    @staticmethod
    def _data(request: Request) -> dict[str, Any] | None:
        body = request.json()
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else None

    # --- auth ---------------------------------------------------------------------------
    def login(self, request: Request) -> Response:
        data = self._data(request)
        if data is None:
            return _answer(400, 'The body must be {"data": {...}}.', status=400)
        basic = request.headers.get("authorization", "").removeprefix("Basic ").strip()
        merchant = MERCHANTS.get(str(data.get("username")))
        if merchant is None or merchant["basic"] != basic:
            return _answer(401, "Invalid merchant token.", status=401)
        if data.get("grantType") != "password" or merchant["password"] != data.get("password"):
            return _answer(401, "Invalid username or password.", status=401)
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.logins += 1
            self.tokens[token] = (data["username"], _now() + timedelta(seconds=TOKEN_SECONDS))
        body = {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_SECONDS}
        return _answer(0, "Success", body)

    def _merchant(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        entry = (
            self.tokens.get(header.removeprefix("Bearer "))
            if header.startswith("Bearer ")
            else None
        )
        return entry[0] if entry and entry[1] > _now() else None

    # --- transactions -------------------------------------------------------------------
    def init_transaction(self, request: Request) -> Response:
        username = self._merchant(request)
        if username is None:
            return _answer(401, "Unauthorized: the token is invalid or expired.", status=401)
        data = self._data(request)
        if data is None:
            return _answer(400, 'The body must be {"data": {...}}.', status=400)
        if data.get("userIdentifier") != username:
            return _answer(3, "userIdentifier is not this merchant.")
        if data.get("transactionPin") != MERCHANTS[username]["pin"]:
            return _answer(4, "Invalid transaction PIN.")
        amount = data.get("amount")
        try:
            dinars = Decimal(amount) if isinstance(amount, str) else None
        except InvalidOperation:
            dinars = None
        if dinars is None or dinars <= 0 or dinars != dinars.to_integral_value():
            return _answer(5, "amount must be a string of whole dinars.")
        order_id = str(data.get("orderId") or "")
        if not order_id or len(order_id) > 64:
            return _answer(6, "orderId is required (at most 64 characters).")
        if data.get("languageCode", "en") not in LANGUAGES:
            return _answer(7, "languageCode is en, ar or ku.")
        with self.lock:
            if any(t["orderId"] == order_id for t in self.transactions.values()):
                return _answer(8, "This orderId has been used.")
            transaction_id = f"{secrets.randbelow(10**12):012d}"
            token = secrets.token_urlsafe(16)
            self.transactions[transaction_id] = {
                "transactionId": transaction_id, "token": token, "orderId": order_id,
                "amount": str(int(dinars)), "paidAmount": None, "merchant": username,
                "transactionStatus": "PENDING", "languageCode": data.get("languageCode", "en"),
            }  # fmt: skip
        return _answer(0, "Success", {"transactionId": transaction_id, "token": token})

    def check_transaction(self, request: Request) -> Response:
        username = self._merchant(request)
        if username is None:
            return _answer(401, "Unauthorized: the token is invalid or expired.", status=401)
        data = self._data(request) or {}
        with self.lock:
            found = self.transactions.get(str(data.get("transactionId")))
            if found is None or found["merchant"] != username:
                return _answer(404, "Transaction not found.")
            answer = {
                "transactionId": found["transactionId"],
                "orderId": found["orderId"],
                "amount": found["paidAmount"] or found["amount"],
                "currency": "IQD",
                "transactionStatus": found["transactionStatus"],
            }
        return _answer(0, "Success", answer)

    def portal(self, request: Request) -> Response:
        found = self.transactions.get(request.query.get("id", ""))
        if found is None or found["token"] != request.query.get("token"):
            return 404, "Unknown transaction", {"Content-Type": "text/plain; charset=utf-8"}
        page = (
            "<!doctype html><title>NassWallet sandbox</title><h1>NassWallet sandbox</h1>"
            f"<p>Order {html.escape(found['orderId'])}: {html.escape(found['amount'])} IQD to "
            f"{html.escape(request.query.get('userIdentifier', ''))}.</p>"
            "<p>Decide the outcome with the sandbox's test hook.</p>"
        )
        return 200, page, {"Content-Type": "text/html; charset=utf-8"}

    # --- test hooks ---------------------------------------------------------------------
    def merchant(self, request: Request) -> Response:
        body = request.json() or {}
        self.merchant_url = str(body.get("callbackUrl") or "")
        return 200, {"callbackUrl": self.merchant_url}, {}

    def tokens_expire(self, request: Request) -> Response:
        with self.lock:
            self.tokens = {t: (user, _now()) for t, (user, _) in self.tokens.items()}
        return 200, {"expired": len(self.tokens)}, {}

    def outcome(self, request: Request) -> Response:
        body = request.json() or {}
        if body.get("outcome") not in OUTCOMES:
            return 400, {"error": "outcome is paid, declined or expired"}, {}
        status, code = OUTCOMES[body["outcome"]]
        with self.lock:
            found = self.transactions.get(request.params["id"])
            if found is None:
                return 404, {"error": "no such transaction"}, {}
            found["transactionStatus"] = status
            if "amount" in body:
                found["paidAmount"] = str(body["amount"])
            payload = {
                "data": {
                    "orderId": found["orderId"],
                    "amount": found["paidAmount"] or found["amount"],
                    "InitTransactionId": found["transactionId"],
                    "transactionStatus": code,
                }
            }
        url = self.merchant_url.rstrip("/") + "/callback" if self.merchant_url else ""
        if url and body.get("callback", True):
            self.fire_callback(url, payload)
        return 200, {"transactionStatus": status, "callback": payload, "url": url}, {}

    def peek(self, request: Request) -> Response:
        with self.lock:
            found = self.transactions.get(request.params["id"])
            return (200, dict(found), {}) if found else (404, {"error": "no such transaction"}, {})

    def stats(self, request: Request) -> Response:
        return 200, {"logins": self.logins}, {}


def run() -> None:
    parser = argparse.ArgumentParser(description="The local NassWallet sandbox.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--merchant-url", default="", help="the merchant's URL; callbacks go to it + /callback"
    )
    options = parser.parse_args()
    server = NassWalletSandbox(options.merchant_url).serve(options.host, options.port)
    print(f"nasswallet sandbox on http://{options.host}:{server.server_address[1]}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    run()
