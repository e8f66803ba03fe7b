"""The areeba sandbox: Mastercard Payment Gateway Services (MPGS) hosted checkout as areeba runs
it — Basic auth ``merchant.{mid}:{apiPassword}``, INITIATE_CHECKOUT sessions with a
``successIndicator``, the checkout page at ``/checkout/pay/{sessionId}``, Retrieve Order,
REFUND (partial allowed) and VOID transactions, MPGS's error shape, and webhook notifications
carrying ``X-Notification-Secret``. IQD is taken in whole dinars only (areeba Iraq), although
MPGS gives IQD an exponent of 3.

Run: ``python -m sandboxes.areeba --port 8704 [--notification-url URL]``. Test hooks:
``POST /__sandbox/merchant`` ``{"notificationUrl": …}`` sets where notifications go (what a
merchant configures in areeba's merchant administration);
``POST /__sandbox/payments/<orderId>/outcome`` ``{"outcome": "paid" | "declined" | "failed" |
"expired" | "cancelled"}`` (optionally ``"amount"``, a string, to capture another sum;
``"currency"`` to capture in another; ``"notify": false`` to send no notification) decides,
notifies, and answers with the URL the customer's browser returns to
(``returnUrl?resultIndicator=…``) and the notification sent.
"""

from __future__ import annotations

import argparse
import base64
import html
import re
import secrets
import threading
import urllib.parse
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.server import Request, Response, Sandbox

REST = r"/api/rest/version/(?P<v>\d+)/merchant/(?P<mid>[^/]+)"
MERCHANTS = {"SOUKSANDBOX01": {"password": "sandbox-api-password",
                               "notification_secret": "sandbox-notification-secret"}}  # fmt: skip
DECIMALS = {"IQD": 0, "USD": 2}  # what areeba Iraq takes: whole dinars, dollars and cents
OUTCOMES = {"paid": "CAPTURED", "declined": "DECLINED", "failed": "FAILED", "expired": "EXPIRED",
            "cancelled": "CANCELLED"}  # fmt: skip
ORDER_ID = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(amount: Decimal) -> int | float:
    """MPGS writes amounts in its answers as JSON numbers."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _error(
    status: int, explanation: str, *, field: str = "", cause: str = "INVALID_REQUEST"
) -> Response:
    error: dict[str, str] = {"cause": cause, "explanation": explanation}
    if field:
        error |= {"field": field, "validationType": "INVALID"}
    return status, {"error": error, "result": "ERROR"}, {}


class AreebaSandbox(Sandbox):
    name = "areeba"

    def __init__(self, notification_url: str = "") -> None:
        super().__init__()
        self.notification_url = notification_url
        self.sessions: dict[str, dict[str, Any]] = {}
        self.orders: dict[tuple[str, str], dict[str, Any]] = {}
        self.route("POST", f"{REST}/session", self.session)
        self.route("GET", f"{REST}/order/(?P<order>[^/]+)", self.retrieve)
        self.route(
            "PUT", f"{REST}/order/(?P<order>[^/]+)/transaction/(?P<txn>[^/]+)", self.transaction
        )
        self.route("GET", "/checkout/pay/(?P<session>[^/]+)", self.checkout_page)
        self.route("POST", "/__sandbox/merchant", self.merchant)
        self.route("POST", "/__sandbox/payments/(?P<order>[^/]+)/outcome", self.outcome)
        self.route("GET", "/__sandbox/payments/(?P<order>[^/]+)", self.peek)

    # --- auth ---------------------------------------------------------------------------
    @staticmethod
    def _authorised(request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        merchant = MERCHANTS.get(request.params["mid"])
        return (
            bool(merchant)
            and user == f"merchant.{request.params['mid']}"
            and (
                password == merchant["password"]  # type: ignore[index]
            )
        )

    @staticmethod
    def _amount(value: Any, currency: str, field: str) -> Decimal | Response:
        if currency not in DECIMALS:
            return _error(
                400,
                f"Currency '{currency}' is not supported.",
                field=field.replace("amount", "currency"),
            )
        try:
            amount = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount <= 0:
            return _error(400, f"Value '{value}' is invalid.", field=field)
        if amount != amount.quantize(Decimal(1).scaleb(-DECIMALS[currency])):
            places = DECIMALS[currency]
            return _error(400, f"{currency} amounts take {places} decimal places.", field=field)
        return amount

    # --- checkout -----------------------------------------------------------------------
    def session(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "Invalid credentials.")
        body = request.json()
        if not isinstance(body, dict) or body.get("apiOperation") != "INITIATE_CHECKOUT":
            return _error(400, "Value is invalid.", field="apiOperation")
        interaction, order = body.get("interaction") or {}, body.get("order") or {}
        if interaction.get("operation") not in ("PURCHASE", "AUTHORIZE"):
            return _error(400, "Value is invalid.", field="interaction.operation")
        if not str(interaction.get("returnUrl") or "").startswith(("http://", "https://")):
            return _error(400, "A returnUrl is required.", field="interaction.returnUrl")
        if not ORDER_ID.match(str(order.get("id") or "")):
            return _error(400, "Value is invalid.", field="order.id")
        currency = str(order.get("currency") or "")
        amount = self._amount(order.get("amount"), currency, "order.amount")
        if not isinstance(amount, Decimal):
            return amount
        mid = request.params["mid"]
        with self.lock:
            if (mid, order["id"]) in self.orders:
                return _error(400, "An order with this id exists already.", field="order.id")
            session_id = f"SESSION{secrets.randbelow(10**20):020d}"
            success = secrets.token_hex(8)
            self.sessions[session_id] = {
                "mid": mid, "order_id": order["id"], "amount": amount, "currency": currency,
                "description": order.get("description", ""), "successIndicator": success,
                "returnUrl": interaction["returnUrl"], "cancelUrl": interaction.get("cancelUrl"),
                "merchant_name": (interaction.get("merchant") or {}).get("name", ""),
            }  # fmt: skip
        answer = {
            "checkoutMode": "WEBSITE",
            "merchant": mid,
            "result": "SUCCESS",
            "session": {
                "id": session_id,
                "updateStatus": "SUCCESS",
                "version": secrets.token_hex(5),
            },
            "successIndicator": success,
        }
        return 201, answer, {}

    def checkout_page(self, request: Request) -> Response:
        found = self.sessions.get(request.params["session"])
        if found is None:
            return 404, "Unknown session", {"Content-Type": "text/plain; charset=utf-8"}
        page = (
            "<!doctype html><title>areeba checkout sandbox</title><h1>areeba checkout</h1>"
            f"<p>{html.escape(found['merchant_name'])}: order {html.escape(found['order_id'])}, "
            f"{found['amount']} {found['currency']}.</p>"
            "<p>Decide the outcome with the sandbox's test hook.</p>"
        )
        return 200, page, {"Content-Type": "text/html; charset=utf-8"}

    # --- orders -------------------------------------------------------------------------
    def _order_body(self, order: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": order["id"], "amount": _number(order["amount"]), "currency": order["currency"],
            "description": order["description"], "status": order["status"],
            "totalAuthorizedAmount": _number(order["captured"]),
            "totalCapturedAmount": _number(order["captured"]),
            "totalRefundedAmount": _number(order["refunded"]),
            "creationTime": order["created"], "merchant": order["mid"], "result": "SUCCESS",
            "transaction": [dict(t, amount=_number(t["amount"])) for t in order["transactions"]],
        }  # fmt: skip

    def retrieve(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "Invalid credentials.")
        with self.lock:
            order = self.orders.get((request.params["mid"], request.params["order"]))
            if order is None:
                return _error(400, "Unable to find order.", field="orderId")
            return 200, self._order_body(order), {}

    def transaction(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "Invalid credentials.")
        body = request.json()
        if not isinstance(body, dict):
            return _error(400, "The body must be a JSON object.")
        txn_id, operation = request.params["txn"], body.get("apiOperation")
        with self.lock:
            order = self.orders.get((request.params["mid"], request.params["order"]))
            if order is None:
                return _error(400, "Unable to find order.", field="orderId")
            done = next((t for t in order["transactions"] if t["id"] == txn_id), None)
            if done is not None:  # a retried PUT of the same transaction: its first answer
                if done["type"].partition("_")[0] != operation:  # VOID_PAYMENT is a VOID
                    return _error(400, "This transaction id has been used.", field="transaction.id")
                return self._transaction_answer(order, done)
            if operation == "REFUND":
                return self._refund(order, txn_id, body.get("transaction") or {})
            if operation == "VOID":
                return self._void(order, txn_id, body.get("transaction") or {})
            return _error(400, "Value is invalid.", field="apiOperation")

    def _transaction_answer(self, order: dict[str, Any], txn: dict[str, Any]) -> Response:
        answer = {
            "merchant": order["mid"], "order": {k: v for k, v in self._order_body(order).items()
                                                if k != "transaction"},
            "response": {"gatewayCode": "APPROVED"}, "result": "SUCCESS",
            "transaction": dict(txn, amount=_number(txn["amount"])),
        }  # fmt: skip
        return 200, answer, {}

    def _refund(self, order: dict[str, Any], txn_id: str, wanted: dict[str, Any]) -> Response:
        if order["status"] not in ("CAPTURED", "PARTIALLY_REFUNDED"):
            return _error(400, "The order has no captured funds to refund.", field="apiOperation")
        if wanted.get("currency") != order["currency"]:
            return _error(400, "The currency must be the order's.", field="transaction.currency")
        amount = self._amount(wanted.get("amount"), order["currency"], "transaction.amount")
        if not isinstance(amount, Decimal):
            return amount
        if amount > order["captured"] - order["refunded"]:
            return _error(
                400, "The refund exceeds what is left to refund.", field="transaction.amount"
            )
        order["refunded"] += amount
        order["status"] = (
            "REFUNDED" if order["refunded"] == order["captured"] else "PARTIALLY_REFUNDED"
        )
        txn = {"id": txn_id, "type": "REFUND", "amount": amount, "currency": order["currency"],
               "timeOfRecord": _now()}  # fmt: skip
        order["transactions"].append(txn)
        return self._transaction_answer(order, txn)

    def _void(self, order: dict[str, Any], txn_id: str, wanted: dict[str, Any]) -> Response:
        target = next(
            (t for t in order["transactions"] if t["id"] == wanted.get("targetTransactionId")),
            None,
        )
        if target is None or target["type"] != "PAYMENT":
            return _error(
                400, "No such transaction to void.", field="transaction.targetTransactionId"
            )
        if order["status"] != "CAPTURED":
            return _error(
                400, "Only an untouched captured payment can be voided.", field="apiOperation"
            )
        order["status"], order["captured"] = "CANCELLED", Decimal(0)
        txn = {"id": txn_id, "type": "VOID_PAYMENT", "amount": target["amount"],
               "currency": order["currency"], "targetTransactionId": target["id"],
               "timeOfRecord": _now()}  # fmt: skip
        order["transactions"].append(txn)
        return self._transaction_answer(order, txn)

    # --- test hooks ---------------------------------------------------------------------
    def merchant(self, request: Request) -> Response:
        body = request.json() or {}
        self.notification_url = str(body.get("notificationUrl") or "")
        return 200, {"notificationUrl": self.notification_url}, {}

    def outcome(self, request: Request) -> Response:
        body = request.json() or {}
        status = OUTCOMES.get(str(body.get("outcome")))
        if status is None:
            return 400, {"error": "outcome is " + ", ".join(OUTCOMES)}, {}
        order_id = request.params["order"]
        with self.lock:
            session = next((s for s in self.sessions.values() if s["order_id"] == order_id), None)
            if session is None:
                return 404, {"error": "no checkout for this order"}, {}
            mid = session["mid"]
            captured = (
                Decimal(str(body.get("amount", session["amount"])))
                if status == "CAPTURED"
                else Decimal(0)
            )
            payment = {"id": "1", "type": "PAYMENT", "amount": captured or session["amount"],
                       "currency": session["currency"], "timeOfRecord": _now(),
                       "result": "SUCCESS" if status == "CAPTURED" else "FAILURE"}  # fmt: skip
            order = {
                "id": order_id, "mid": mid, "amount": session["amount"],
                "currency": body.get("currency", session["currency"]),
                "description": session["description"],
                "status": status, "captured": captured, "refunded": Decimal(0),
                "created": _now(), "transactions": [payment],
            }  # fmt: skip
            self.orders[(mid, order_id)] = order
            notification = {
                "merchant": mid,
                "order": {k: v for k, v in self._order_body(order).items() if k != "transaction"},
                "response": {"gatewayCode": "APPROVED" if status == "CAPTURED" else "DECLINED"},
                "result": "SUCCESS" if status == "CAPTURED" else "FAILURE",
                "transaction": dict(payment, amount=_number(payment["amount"])),
            }
            indicator = (
                session["successIndicator"] if status == "CAPTURED" else secrets.token_hex(8)
            )
            back = (
                session["returnUrl"]
                if status != "CANCELLED"
                else session["cancelUrl"] or session["returnUrl"]
            )
        separator = "&" if "?" in back else "?"
        returned = f"{back}{separator}{urllib.parse.urlencode({'resultIndicator': indicator})}"
        headers = {
            "X-Notification-Secret": MERCHANTS[mid]["notification_secret"],
            "X-Notification-Id": secrets.token_hex(8),
            "X-Notification-Attempt": "1",
        }
        if self.notification_url and body.get("notify", True):
            self.fire_callback(self.notification_url, notification, headers=headers)
        answer = {"status": status, "returnUrl": returned, "notification": notification,
                  "headers": headers}  # fmt: skip
        return 200, answer, {}

    def peek(self, request: Request) -> Response:
        with self.lock:
            for (_mid, order_id), order in self.orders.items():
                if order_id == request.params["order"]:
                    return 200, self._order_body(order), {}
        return 404, {"error": "no such order"}, {}


def run() -> None:
    parser = argparse.ArgumentParser(description="The local areeba (MPGS) sandbox.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--notification-url", default="", help="where webhook notifications go")
    options = parser.parse_args()
    server = AreebaSandbox(options.notification_url).serve(options.host, options.port)
    print(f"areeba sandbox on http://{options.host}:{server.server_address[1]}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    run()
