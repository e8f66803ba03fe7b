"""The FIB (First Iraqi Bank) sandbox: OAuth2 client credentials, payments with a QR code and
app links, status, cancel, full refunds, the unsigned ``{id, status}`` callback, and payouts to
an IBAN (create, authorise, look up; an authorised payout completes on the next look).

Run: ``python -m sandboxes.fib --port 8701``. Test hook: ``POST /__sandbox/payments/<id>/outcome``
with ``{"outcome": "paid" | "declined" | "expired" | "cancelled"}`` (optionally ``"amount"`` to
pay a different sum) sets the outcome and fires the callback at ``statusCallbackUrl``;
``POST /__sandbox/ibans/<iban>/fail`` makes later payouts to that IBAN fail;
``POST /__sandbox/ibans/<iban>/hold`` keeps that IBAN's authorised payouts authorised however
often they are looked up (a slow bank) until ``POST /__sandbox/ibans/<iban>/release``.
"""

from __future__ import annotations

import base64
import io
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import segno

from sandboxes.server import Request, Response, Sandbox, main

REALM = "/auth/realms/fib-online-shop/protocol/openid-connect/token"
API = "/protected/v1"
CLIENTS = {"souk-sandbox": "sandbox-secret"}
TOKEN_SECONDS = 300
DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$")
IBAN = re.compile(r"^IQ\d{2}[A-Z]{4}\d{15}$")
CATEGORIES = {"ERP", "POS", "ECOMMERCE", "UTILITY", "PAYROLL", "SUPPLIER", "LOAN", "GOVERNMENT",
              "MISCELLANEOUS", "OTHER"}  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _error(status: int, code: str, detail: str) -> Response:
    title = code.replace("_", " ").capitalize()
    body = {
        "traceId": uuid.uuid4().hex,
        "errors": [{"code": code, "title": title, "detail": detail}],
    }
    return status, body, {}


def _duration(text: str) -> timedelta | None:
    match = DURATION.match(text or "")
    if not match or not any(match.groupdict().values()):
        return None
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def _iban_valid(iban: str) -> bool:
    """An Iraqi IBAN: IQ, two check digits, a four-letter bank code, 15 digits; mod 97 is 1."""
    if not IBAN.match(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _dinars(money: dict, field: str) -> Decimal | Response:
    """A monetary value of FIB's API as whole dinars, or FIB's 400 saying what is wrong."""
    try:
        amount = Decimal(str(money.get("amount")))
    except InvalidOperation:
        return _error(400, "INVALID_AMOUNT", f"{field}.amount must be a number.")
    if amount <= 0 or amount != amount.to_integral_value():
        return _error(
            400, "INVALID_AMOUNT", "The amount must be a positive whole number of dinars."
        )
    if money.get("currency") != "IQD":
        return _error(400, "INVALID_CURRENCY", "Only IQD is supported.")
    return amount


class FibSandbox(Sandbox):
    name = "fib"

    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[str, datetime] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.payouts: dict[str, dict[str, Any]] = {}
        self.failing_ibans: set[str] = set()
        self.held_ibans: set[str] = set()
        self.route("POST", REALM, self.token)
        self.route("POST", f"{API}/payments", self.create)
        self.route("GET", f"{API}/payments/(?P<id>[^/]+)/status", self.status)
        self.route("POST", f"{API}/payments/(?P<id>[^/]+)/cancel", self.cancel)
        self.route("POST", f"{API}/payments/(?P<id>[^/]+)/refund", self.refund)
        self.route("POST", "/__sandbox/payments/(?P<id>[^/]+)/outcome", self.outcome)
        self.route("GET", "/__sandbox/payments/(?P<id>[^/]+)", self.peek)
        self.route("POST", f"{API}/payouts", self.payout_create)
        self.route("POST", f"{API}/payouts/(?P<id>[^/]+)/authorize", self.payout_authorize)
        self.route("GET", f"{API}/payouts/(?P<id>[^/]+)", self.payout_get)
        self.route("POST", "/__sandbox/ibans/(?P<iban>[^/]+)/fail", self.iban_failing)
        self.route("POST", "/__sandbox/ibans/(?P<iban>[^/]+)/hold", self.iban_hold)
        self.route("POST", "/__sandbox/ibans/(?P<iban>[^/]+)/release", self.iban_release)

    # --- auth ---------------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        form = request.form()
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}, {}
        if not client_id or CLIENTS.get(client_id) != secret:
            return 401, {"error": "invalid_client", "error_description": "Invalid client"}, {}
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = _now() + timedelta(seconds=TOKEN_SECONDS)
        body = {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"}
        return 200, body, {}

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        expires = (
            self.tokens.get(header.removeprefix("Bearer "))
            if header.startswith("Bearer ")
            else None
        )
        return bool(expires and expires > _now())

    # --- payments -----------------------------------------------------------------------
    def create(self, request: Request) -> Response:
        if not self._authorised(request):
            return 401, {"error": "unauthorized"}, {}
        body = request.json()
        if not isinstance(body, dict):
            return _error(400, "INVALID_REQUEST", "The body must be a JSON object.")
        amount = _dinars(body.get("monetaryValue") or {}, "monetaryValue")
        if not isinstance(amount, Decimal):
            return amount
        if len(body.get("description") or "") > 50:
            return _error(400, "INVALID_DESCRIPTION", "The description has at most 50 characters.")
        if body.get("category", "ECOMMERCE") not in CATEGORIES:
            return _error(400, "INVALID_CATEGORY", "Unknown category.")
        lifetime = _duration(body.get("expiresIn", "PT8H"))
        if lifetime is None:
            return _error(400, "INVALID_EXPIRES_IN", "expiresIn must be an ISO-8601 duration.")
        payment_id = str(uuid.uuid4())
        code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
        buffer = io.BytesIO()
        segno.make(f"https://fib.iq/pay/{payment_id}").save(buffer, kind="png", scale=4)
        payment = {
            "paymentId": payment_id,
            "readableCode": code,
            "qrCode": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
            "validUntil": _iso(_now() + lifetime),
            "personalAppLink": f"https://personal.fib.iq/pay?id={payment_id}",
            "businessAppLink": f"https://business.fib.iq/pay?id={payment_id}",
            "corporateAppLink": f"https://corporate.fib.iq/pay?id={payment_id}",
            "status": "UNPAID",
            "amount": {"amount": int(amount), "currency": "IQD"},
            "callback": body.get("statusCallbackUrl"),
            "paidAt": None,
            "decliningReason": None,
            "declinedAt": None,
        }
        with self.lock:
            self.payments[payment_id] = payment
        keys = ("paymentId", "readableCode", "qrCode", "validUntil", "personalAppLink",
                "businessAppLink", "corporateAppLink")  # fmt: skip
        return 201, {key: payment[key] for key in keys}, {}

    def _payment(self, request: Request) -> dict[str, Any] | None:
        payment = self.payments.get(request.params["id"])
        expired = payment and datetime.fromisoformat(payment["validUntil"]) < _now()
        if payment and payment["status"] == "UNPAID" and expired:
            payment.update(status="DECLINED", decliningReason="PAYMENT_EXPIRATION",
                           declinedAt=_iso(_now()))  # fmt: skip
        return payment

    def status(self, request: Request) -> Response:
        if not self._authorised(request):
            return 401, {"error": "unauthorized"}, {}
        with self.lock:
            payment = self._payment(request)
            if payment is None:
                return _error(404, "PAYMENT_NOT_FOUND", "No such payment.")
            if (
                payment["status"] == "REFUND_REQUESTED"
            ):  # the bank settles a refund on the next look
                payment["status"] = "REFUNDED"
            keys = ("paymentId", "status", "validUntil", "paidAt", "amount", "decliningReason",
                    "declinedAt")  # fmt: skip
            body = {key: payment[key] for key in keys}
            body["paidBy"] = (
                {"name": "Sandbox Customer", "iban": "IQ00FIBS0000000000000000"}
                if payment["paidAt"]
                else None
            )
        return 200, body, {}

    def _move(self, request: Request, *, when: str, code: str, detail: str, move) -> Response:
        """A merchant's call that moves a payment in state ``when`` (else FIB's error)."""
        if not self._authorised(request):
            return 401, {"error": "unauthorized"}, {}
        with self.lock:
            payment = self._payment(request)
            if payment is None:
                return _error(404, "PAYMENT_NOT_FOUND", "No such payment.")
            if payment["status"] != when:
                return _error(400, code, detail)
            return move(payment)

    def cancel(self, request: Request) -> Response:
        def declined(payment: dict[str, Any]) -> Response:
            payment.update(
                status="DECLINED", decliningReason="PAYMENT_CANCELLATION", declinedAt=_iso(_now())
            )
            return 204, b"", {}

        detail = "Only an unpaid payment can be cancelled."
        return self._move(
            request,
            when="UNPAID",
            code="PAYMENT_STATUS_IS_NOT_UNPAID",
            detail=detail,
            move=declined,
        )

    def refund(self, request: Request) -> Response:
        def requested(payment: dict[str, Any]) -> Response:
            payment["status"] = "REFUND_REQUESTED"
            return 202, b"", {}

        detail = "Only a paid payment can be refunded."
        return self._move(
            request,
            when="PAID",
            code="TRANSACTION_STATUS_IS_NOT_PAID",
            detail=detail,
            move=requested,
        )

    # --- the test hook ------------------------------------------------------------------
    def outcome(self, request: Request) -> Response:
        body = request.json() or {}
        with self.lock:
            payment = self._payment(request)
            if payment is None:
                return 404, {"error": "no such payment"}, {}
            outcome = body.get("outcome")
            if outcome == "paid":
                if "amount" in body:
                    payment["amount"] = {
                        "amount": body["amount"],
                        "currency": body.get("currency", "IQD"),
                    }
                payment.update(status="PAID", paidAt=_iso(_now()))
            elif outcome in ("declined", "expired", "cancelled"):
                reason = {"declined": "SERVER_FAILURE", "expired": "PAYMENT_EXPIRATION",
                          "cancelled": "PAYMENT_CANCELLATION"}[outcome]  # fmt: skip
                payment.update(status="DECLINED", decliningReason=reason, declinedAt=_iso(_now()))
            else:
                return 400, {"error": "outcome is paid, declined, expired or cancelled"}, {}
            callback, state = payment["callback"], payment["status"]
        if callback and body.get("callback", True):
            self.fire_callback(callback, {"id": payment["paymentId"], "status": state})
        return 200, {"status": state}, {}

    def peek(self, request: Request) -> Response:
        with self.lock:
            payment = self.payments.get(request.params["id"])
            return (200, dict(payment), {}) if payment else (404, {"error": "no such payment"}, {})

    # --- payouts ------------------------------------------------------------------------
    def payout_create(self, request: Request) -> Response:
        if not self._authorised(request):
            return 401, {"error": "unauthorized"}, {}
        body = request.json()
        if not isinstance(body, dict):
            return _error(400, "INVALID_REQUEST", "The body must be a JSON object.")
        amount = _dinars(body.get("amount") or {}, "amount")
        if not isinstance(amount, Decimal):
            return amount
        iban = str(body.get("targetAccountIban") or "")
        if not _iban_valid(iban):
            return _error(400, "INVALID_IBAN", "targetAccountIban is not a valid Iraqi IBAN.")
        if len(body.get("description") or "") > 50:
            return _error(400, "INVALID_DESCRIPTION", "The description has at most 50 characters.")
        payout_id = str(uuid.uuid4())
        with self.lock:
            self.payouts[payout_id] = {
                "payoutId": payout_id, "status": "CREATED", "targetAccountIban": iban,
                "description": body.get("description") or "",
                "amount": {"amount": int(amount), "currency": "IQD"},
                "createdAt": _iso(_now()), "authorizedAt": None, "completedAt": None,
                "failed": iban in self.failing_ibans,
            }  # fmt: skip
        return 201, {"payoutId": payout_id}, {}

    def payout_authorize(self, request: Request) -> Response:
        if not self._authorised(request):
            return 401, {"error": "unauthorized"}, {}
        with self.lock:
            payout = self.payouts.get(request.params["id"])
            if payout is None:
                return _error(404, "PAYOUT_NOT_FOUND", "No such payout.")
            if payout["status"] != "CREATED":
                return _error(400, "PAYOUT_STATUS_IS_NOT_CREATED", "The payout is authorised.")
            payout.update(status="AUTHORIZED", authorizedAt=_iso(_now()))
        return 204, b"", {}

    def payout_get(self, request: Request) -> Response:
        if not self._authorised(request):
            return 401, {"error": "unauthorized"}, {}
        with self.lock:
            payout = self.payouts.get(request.params["id"])
            if payout is None:
                return _error(404, "PAYOUT_NOT_FOUND", "No such payout.")
            held = payout["targetAccountIban"] in self.held_ibans
            if payout["status"] == "AUTHORIZED" and not held:  # sent on the next look
                settled = "FAILED" if payout["failed"] else "COMPLETED"
                payout.update(status=settled, completedAt=_iso(_now()))
            return 200, {k: v for k, v in payout.items() if k != "failed"}, {}

    def iban_failing(self, request: Request) -> Response:
        with self.lock:
            self.failing_ibans.add(request.params["iban"])
        return 200, {"failing": sorted(self.failing_ibans)}, {}

    def iban_hold(self, request: Request) -> Response:
        with self.lock:
            self.held_ibans.add(request.params["iban"])
        return 200, {"held": sorted(self.held_ibans)}, {}

    def iban_release(self, request: Request) -> Response:
        with self.lock:
            self.held_ibans.discard(request.params["iban"])
        return 200, {"held": sorted(self.held_ibans)}, {}


if __name__ == "__main__":
    main(FibSandbox())
