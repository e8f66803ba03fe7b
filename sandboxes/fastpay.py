"""The FastPay sandbox: redirect payments, the 200-with-error envelope, validate, refunds with
their validation, and an IPN posted only for successful payments (never for a failure).

Run: ``python -m sandboxes.fastpay --port 8702``. Test hook:
``POST /__sandbox/payments/<order_id>/outcome`` with ``{"outcome": "paid"}`` (or "failed",
"cancelled"; optionally ``"amount"``, a string like "250.00", to pay a different sum). Only a
paid outcome sends the IPN to ``callback_url``.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from sandboxes.server import Request, Response, Sandbox, main

BASE = "/api/v1/public/pgw/payment"
STORES = {"souk-sandbox-store": {"password": "sandbox-store-pass", "refund_key": "sandbox-refund"}}
OUTCOMES = {"paid": "Success", "failed": "Failed", "cancelled": "Cancel"}
ORDER_ID = re.compile(r"^[A-Za-z0-9]{8,32}$")


def _envelope(code: int, data: Any = None, *messages: str) -> Response:
    """FastPay answers HTTP 200 always; ``code`` inside says what happened."""
    return 200, {"code": code, "messages": list(messages), "data": data}, {}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


class FastPaySandbox(Sandbox):
    name = "fastpay"

    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, dict[str, Any]] = {}
        self.route("POST", f"{BASE}/initiation", self.initiate)
        self.route("POST", f"{BASE}/validate", self.validate)
        self.route("POST", f"{BASE}/refund", self.refund)
        self.route("POST", f"{BASE}/refund/validation", self.refund_validation)
        self.route("GET", "/pay", self.pay_page)
        self.route("POST", "/__sandbox/payments/(?P<id>[^/]+)/outcome", self.outcome)

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        body = request.json()
        return body if isinstance(body, dict) else request.form()

    def _store(self, body: dict[str, Any]) -> dict[str, str] | None:
        store = STORES.get(str(body.get("store_id")))
        return store if store and store["password"] == body.get("store_password") else None

    def initiate(self, request: Request) -> Response:
        body = self._body(request)
        if self._store(body) is None:
            return _envelope(422, None, "Invalid store credentials")
        order_id = str(body.get("order_id", ""))
        if not ORDER_ID.match(order_id):
            return _envelope(422, None, "The order id must be 8 to 32 letters and digits")
        amount = body.get("bill_amount")
        if isinstance(amount, str) and amount.isdigit():
            amount = int(amount)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            return _envelope(422, None, "The bill amount must be a positive whole number")
        if body.get("currency") != "IQD":
            return _envelope(422, None, "Only IQD is supported")
        try:
            cart = json.loads(body.get("cart") or "[]")
        except ValueError:
            return _envelope(422, None, "The cart must be a JSON string")
        with self.lock:
            if order_id in self.orders:
                return _envelope(422, None, "The order id has been used")
            token = secrets.token_urlsafe(16)
            self.orders[order_id] = {
                "order_id": order_id, "amount": amount, "cart": cart, "token": token,
                "status": None, "received_amount": None, "callback_url": body.get("callback_url"),
                "success_url": body.get("success_url"), "refunded": 0, "refund_invoices": [],
                "gw_transaction_id": f"GW{secrets.randbelow(10**10):010d}", "received_at": None,
            }  # fmt: skip
        host = request.headers.get("Host", "127.0.0.1")
        return _envelope(
            200, {"redirect_uri": f"http://{host}/pay?token={token}"}, "Payment initiated"
        )

    def _payload(self, order: dict[str, Any]) -> dict[str, Any]:
        return {
            "gw_transaction_id": order["gw_transaction_id"],
            "merchant_order_id": order["order_id"],
            "received_amount": order["received_amount"],
            "currency": "IQD",
            "customer_name": "Sandbox Customer",
            "customer_mobile_number": "+9647700000000",
            "at": order["received_at"],
            "transaction_id": order["gw_transaction_id"],
            "order_id": order["order_id"],
            "customer_account_no": "7700000000",
            "status": order["status"],
            "received_at": order["received_at"],
        }

    def validate(self, request: Request) -> Response:
        body = self._body(request)
        if self._store(body) is None:
            return _envelope(422, None, "Invalid store credentials")
        with self.lock:
            order = self.orders.get(str(body.get("order_id")))
            if order is None or order["status"] is None:
                return _envelope(404, None, "Transaction not found")
            return _envelope(200, self._payload(order), "Transaction found")

    def refund(self, request: Request) -> Response:
        body = self._body(request)
        store = self._store(body)
        if store is None or body.get("refund_secret_key") != store["refund_key"]:
            return _envelope(422, None, "Invalid store credentials")
        with self.lock:
            order = self.orders.get(str(body.get("order_id")))
            if order is None or order["status"] != "Success":
                return _envelope(404, None, "No successful payment for this order")
            try:
                amount = int(float(str(body.get("amount"))))
            except ValueError:
                return _envelope(422, None, "The amount must be a number")
            if not 0 < amount <= order["amount"] - order["refunded"]:
                return _envelope(422, None, "The amount is more than can be refunded")
            order["refunded"] += amount
            invoice = f"RF{secrets.randbelow(10**8):08d}"
            order["refund_invoices"].append(invoice)
        summary = {"recipient": {"name": "Sandbox Customer", "mobile_number": body.get("msisdn"),
                                 "avatar": None}, "refund_invoice_id": invoice}  # fmt: skip
        return _envelope(200, {"summary": summary}, "Refund successful")

    def refund_validation(self, request: Request) -> Response:
        body = self._body(request)
        if self._store(body) is None:
            return _envelope(422, None, "Invalid store credentials")
        order = self.orders.get(str(body.get("order_id")))
        refunded = bool(order and order["refunded"])
        data = {
            "order_id": body.get("order_id"),
            "refund_status": refunded,
            "status_checked_at": _now(),
        }
        return _envelope(200, data)

    def pay_page(self, request: Request) -> Response:
        token = request.query.get("token", "")
        found = any(order["token"] == token for order in self.orders.values())
        page = (
            "<h1>FastPay sandbox</h1><p>Pay with the test hook.</p>" if found else "Unknown token"
        )
        return (200 if found else 404), page, {"Content-Type": "text/html; charset=utf-8"}

    def outcome(self, request: Request) -> Response:
        body = request.json() or {}
        with self.lock:
            order = self.orders.get(request.params["id"])
            if order is None:
                return 404, {"error": "no such order"}, {}
            status = OUTCOMES.get(str(body.get("outcome")))
            if status is None:
                return 400, {"error": "outcome is paid, failed or cancelled"}, {}
            order["status"], order["received_at"] = status, _now()
            order["received_amount"] = body.get("amount", f"{order['amount']}.00")
            payload, callback = self._payload(order), order["callback_url"]
        # FastPay calls back for successful payments only; failures are found by validating.
        if status == "Success" and callback and body.get("callback", True):
            self.fire_callback(callback, payload)
        return 200, {"status": status}, {}


if __name__ == "__main__":
    main(FastPaySandbox())
