"""Stripe: each marketplace is its own Stripe platform, its providers its connected accounts.

stripe-python's ``StripeClient`` with the marketplace's secret key, against
``ProviderAccount.base_url`` (Stripe's API, or the project's sandbox). A customer pays on a
Checkout Session whose PaymentIntent carries our reference (``metadata.merchant_ref``) and the
subject's ``transfer_group``; the money lands on the platform (separate charges and transfers),
and a release later transfers the provider's share to their connected account. The payment's
``provider_ref`` is the Checkout Session's id (``cs_…``), or the PaymentIntent's (``pi_…``) for
an off-session charge of a saved card; the status always comes from the PaymentIntent.

Webhooks are signed (``Stripe-Signature``, HMAC-SHA256 with the marketplace's webhook secret)
and refused past Stripe's 300-second tolerance. Amounts are Stripe's minor units, which are the
ISO ones for the currencies offered here; IQD is not a Stripe currency and is refused before any
call.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import stripe

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
    SavedMethod,
    Unsupported,
)

TOLERANCE_SECONDS = 300
# Stripe currencies offered to marketplaces, whose Stripe minor units are the ISO ones.
CURRENCIES = frozenset({
    "AED", "AUD", "BHD", "CAD", "CHF", "DKK", "EGP", "EUR", "GBP", "JOD", "JPY", "KWD", "NOK",
    "OMR", "QAR", "SAR", "SEK", "TRY", "USD",
})  # fmt: skip
# Stripe takes these three-decimal currencies in multiples of 10 minor units only.
TENS_ONLY = frozenset({"BHD", "JOD", "KWD", "OMR"})
PAYMENT_EVENTS = ("checkout.session.", "payment_intent.")
BRANDS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express",
          "discover": "Discover", "jcb": "JCB", "unionpay": "UnionPay"}  # fmt: skip


def stripe_amount(amount: Money) -> int:
    """``amount`` in Stripe's minor units; refused before any call where Stripe takes none."""
    if amount.currency not in CURRENCIES:
        raise ProviderError(
            f"Stripe does not take payments in {amount.currency}.", code="currency_not_supported"
        )
    if amount.currency in TENS_ONLY and amount.amount_minor % 10:
        raise ProviderError(
            f"Stripe takes {amount.currency} in multiples of 10 minor units.",
            code="amount_not_supported",
        )
    return amount.amount_minor


def _plain(value: Any) -> Any:
    return value.to_dict() if isinstance(value, stripe.StripeObject) else value


def _id(value: Any) -> str:
    """The id of an expandable field: a string, or an expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def method_label(method: dict) -> str:
    """What the payer recognises: "Visa •••• 4242"."""
    card = method.get("card") or {}
    if not card.get("last4"):
        return str(method.get("type") or "")
    brand = BRANDS.get(str(card.get("brand")), str(card.get("brand") or "Card").title())
    return f"{brand} •••• {card['last4']}"


class StripeDriver(DriverDefaults):
    code = "stripe"
    name = "Stripe Connect"
    # Test mode and live mode share the host; the key decides which.
    hosts = {"production": "https://api.stripe.com"}
    credential_fields = ("secret_key",)
    optional_credential_fields = ("publishable_key", "webhook_secret", "connect_webhook_secret")
    currencies = CURRENCIES
    capabilities = frozenset({Capability.REDIRECT, Capability.REFUND, Capability.PARTIAL_REFUND,
                              Capability.SIGNED_NOTIFY, Capability.OFF_SESSION,
                              Capability.PAYOUT})  # fmt: skip

    def __init__(
        self,
        *,
        base_url: str,
        secret_key: str,
        webhook_secret: str = "",
        connect_webhook_secret: str = "",
        publishable_key: str = "",
    ):
        base = base_url.rstrip("/")
        # The platform's own events, and its connected accounts' (account.updated), come
        # through two endpoints, each with its own secret.
        self.webhook_secrets = [s for s in (webhook_secret, connect_webhook_secret) if s]
        self.publishable_key = publishable_key
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": base, "connect": base, "files": base},
            max_network_retries=2,
        )

    # --- HTTP ---------------------------------------------------------------------------
    def _call(self, method, *args, key: str = "", **params) -> dict:
        """One API call; Stripe's errors become ProviderError (``provider_unreachable`` for the
        network and Stripe's own failures, so a task retries them)."""
        options: Any = {"idempotency_key": key} if key else {}
        try:
            return _plain(method(*args, params=params or None, options=options))
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
            raise ProviderError(
                f"Stripe could not be reached: {exc}", code="provider_unreachable"
            ) from exc
        except stripe.StripeError as exc:
            raise ProviderError(
                exc.user_message or str(exc), code=f"stripe_{exc.code or 'error'}",
                raw=exc.json_body,
            ) from exc  # fmt: skip

    def _intent(self, intent_id: str) -> dict:
        return self._call(self.client.v1.payment_intents.retrieve, intent_id)

    def _intent_of(self, provider_ref: str) -> tuple[dict | None, dict | None]:
        """(the Checkout Session or None, its PaymentIntent or None) for ``provider_ref``."""
        if provider_ref.startswith("pi_"):
            return None, self._intent(provider_ref)
        session = self._call(self.client.v1.checkout.sessions.retrieve, provider_ref)
        intent = session.get("payment_intent")
        if isinstance(intent, str) and intent:
            intent = self._intent(intent)
        return session, intent or None

    # --- payments -----------------------------------------------------------------------
    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        amount = stripe_amount(request.amount)
        intent_data: dict[str, Any] = {
            "metadata": {"merchant_ref": request.merchant_ref},
            "description": request.description[:500],
        }
        if request.transfer_group:
            intent_data["transfer_group"] = request.transfer_group
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": request.merchant_ref,
            "metadata": {"merchant_ref": request.merchant_ref},
            "success_url": request.return_url,
            "cancel_url": request.cancel_url,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": request.amount.currency.lower(), "unit_amount": amount,
                "product_data": {"name": request.description[:250] or request.merchant_ref},
            }}],
            "payment_intent_data": intent_data,
        }  # fmt: skip
        if request.save_method:
            intent_data["setup_future_usage"] = "off_session"
            if not request.customer_ref:
                params["customer_creation"] = "always"
        if request.customer_ref:
            params["customer"] = request.customer_ref
        if request.expires_in is not None:
            # Stripe keeps a session open 30 minutes to 24 hours.
            seconds = min(max(int(request.expires_in.total_seconds()), 1800), 86400)
            params["expires_at"] = int(time.time()) + seconds
        session = self._call(
            self.client.v1.checkout.sessions.create, key=request.idempotency_key, **params
        )
        if not session.get("url"):
            raise ProviderError("Stripe gave no checkout page.", code="stripe_error", raw=session)
        return PaymentSession(
            provider_ref=session["id"],
            state=PaymentState.PENDING,
            next_action=NextAction(type="redirect", url=session["url"]),
            expires_at=datetime.fromtimestamp(session["expires_at"], UTC)
            if session.get("expires_at")
            else None,
            raw=session,
        )

    def charge_saved(self, request: PaymentRequest, method: SavedMethod) -> PaymentSession:
        """Charge a saved card without the payer; one that needs them is ``off_session_failed``."""
        params: dict[str, Any] = {
            "amount": stripe_amount(request.amount),
            "currency": request.amount.currency.lower(),
            "customer": method.customer_ref,
            "payment_method": method.method_ref,
            "off_session": True,
            "confirm": True,
            "description": request.description[:500],
            "metadata": {"merchant_ref": request.merchant_ref},
        }
        if request.transfer_group:
            params["transfer_group"] = request.transfer_group
        try:
            intent = self._call(
                self.client.v1.payment_intents.create, key=request.idempotency_key, **params
            )
        except ProviderError as exc:
            if exc.code == "provider_unreachable":
                raise
            raise ProviderError(str(exc), code="off_session_failed", raw=exc.raw) from exc
        state = self._state(intent, None)
        if state != PaymentState.PAID:
            raise ProviderError(
                "The card needs its holder to pay.", code="off_session_failed", raw=intent
            )
        return PaymentSession(
            provider_ref=intent["id"], state=state, next_action=NextAction(type="none"),
            expires_at=None, raw=intent,
        )  # fmt: skip

    @staticmethod
    def _state(intent: dict | None, session: dict | None) -> PaymentState:
        status = (intent or {}).get("status")
        if status == "succeeded":
            return PaymentState.PAID
        if status == "canceled":
            return PaymentState.CANCELLED
        if status == "requires_payment_method" and (intent or {}).get("last_payment_error"):
            return PaymentState.FAILED
        if session is not None and session.get("status") == "expired":
            return PaymentState.EXPIRED
        return PaymentState.PENDING

    def _saved_method(self, intent: dict) -> SavedMethod | None:
        customer, method = _id(intent.get("customer")), intent.get("payment_method")
        if not (intent.get("setup_future_usage") and customer and method):
            return None
        if isinstance(method, str):
            method = self._call(self.client.v1.payment_methods.retrieve, method)
        return SavedMethod(
            customer_ref=customer, method_ref=_id(method), label=method_label(method)
        )

    def get_status(self, provider_ref: str) -> PaymentStatus:
        session, intent = self._intent_of(provider_ref)
        state = self._state(intent, session)
        raw = {"session": session, "payment_intent": intent}
        if state != PaymentState.PAID or intent is None:
            return PaymentStatus(provider_ref, state, None, raw)
        amount = Money(int(intent["amount_received"]), str(intent["currency"]).upper())
        return PaymentStatus(provider_ref, state, amount, raw, self._saved_method(intent))

    def cancel(self, provider_ref: str) -> None:
        if provider_ref.startswith("pi_"):
            raise Unsupported("An off-session charge is decided at once; nothing to cancel.")
        self._call(self.client.v1.checkout.sessions.expire, provider_ref)

    def refund(self, provider_ref: str, amount: Money | None, idempotency_key: str) -> RefundResult:
        _session, intent = self._intent_of(provider_ref)
        if intent is None or intent.get("status") != "succeeded":
            raise ProviderError("Stripe holds no payment to refund.", code="not_paid")
        params: dict[str, Any] = {"payment_intent": intent["id"]}
        if amount is not None:
            params["amount"] = stripe_amount(amount)
        refund = self._call(self.client.v1.refunds.create, key=idempotency_key, **params)
        if refund.get("status") in ("failed", "canceled"):
            raise ProviderError("Stripe refused the refund.", code="refund_failed", raw=refund)
        if refund.get("status") != "succeeded":
            return RefundResult(refund["id"], PaymentState.REFUND_PENDING, raw=refund)
        charge = self._call(self.client.v1.charges.retrieve, _id(intent.get("latest_charge")))
        whole = bool(charge.get("refunded"))
        state = PaymentState.REFUNDED if whole else PaymentState.PARTIALLY_REFUNDED
        return RefundResult(refund["id"], state, raw=refund)

    # --- Connect: releases are transfers ------------------------------------------------
    def payout(
        self,
        destination: str,
        amount: Money,
        idempotency_key: str,
        *,
        transfer_group: str = "",
        source_ref: str = "",
    ) -> PayoutResult:
        """A Transfer to the connected account ``destination``, funded by the charge of the
        payment ``source_ref`` (its Stripe provider_ref) when given."""
        params: dict[str, Any] = {
            "amount": stripe_amount(amount),
            "currency": amount.currency.lower(),
            "destination": destination,
        }
        if transfer_group:
            params["transfer_group"] = transfer_group
        if source_ref:
            _session, intent = self._intent_of(source_ref)
            charge = _id((intent or {}).get("latest_charge"))
            if charge:
                params["source_transaction"] = charge
        transfer = self._call(self.client.v1.transfers.create, key=idempotency_key, **params)
        return PayoutResult(transfer["id"], "paid", raw=transfer)

    def payout_status(self, payout_ref: str) -> PayoutResult:
        """A transfer Stripe made has moved the funds already: it is paid."""
        transfer = self._call(self.client.v1.transfers.retrieve, payout_ref)
        return PayoutResult(transfer["id"], "paid", raw=transfer)

    def transfer_reverse(self, transfer_ref: str, amount: Money, idempotency_key: str) -> dict:
        return self._call(
            self.client.v1.transfers.reversals.create, transfer_ref,
            key=idempotency_key, amount=stripe_amount(amount),
        )  # fmt: skip

    def account_create(self, *, email: str, idempotency_key: str) -> str:
        account = self._call(
            self.client.v1.accounts.create, key=idempotency_key, type="express", email=email,
            capabilities={"transfers": {"requested": True}},
        )  # fmt: skip
        return account["id"]

    def account_link(self, *, account_ref: str, refresh_url: str, return_url: str) -> str:
        link = self._call(
            self.client.v1.account_links.create, account=account_ref,
            type="account_onboarding", refresh_url=refresh_url, return_url=return_url,
        )  # fmt: skip
        return link["url"]

    def account_get(self, account_ref: str) -> dict:
        return self._call(self.client.v1.accounts.retrieve, account_ref)

    def webhook_endpoint_create(
        self, *, url: str, events: list[str], connect: bool = False
    ) -> tuple[str, str]:
        """Register ``url`` for ``events`` (of connected accounts with ``connect``); (the
        endpoint's id, its signing secret)."""
        endpoint = self._call(
            self.client.v1.webhook_endpoints.create, url=url, enabled_events=events,
            connect=connect,
        )  # fmt: skip
        return endpoint["id"], endpoint["secret"]

    def webhook_endpoint_urls(self) -> list[str]:
        """The URLs of the platform's webhook endpoints (one per endpoint)."""
        listed = self._call(self.client.v1.webhook_endpoints.list, limit=100)
        return [str(endpoint.get("url")) for endpoint in listed.get("data") or []]

    # --- notifications ------------------------------------------------------------------
    def parse_notification(
        self, *, headers: dict[str, str], body: bytes, query: dict[str, str]
    ) -> Notification:
        """A verified event; a bad or stale signature is ``invalid_signature``. Payment events
        name their payment (``provider_ref``, and our reference in ``merchant_ref``); other
        events name none and carry the event in ``raw``."""
        signature = next((v for k, v in headers.items() if k.lower() == "stripe-signature"), "")
        event = self._verified(body, signature)
        kind = str(event.get("type") or "")
        obj = (event.get("data") or {}).get("object") or {}
        if not kind.startswith(PAYMENT_EVENTS) or not isinstance(obj, dict):
            return Notification("", None, verified=True, raw=event)
        merchant_ref = str(
            (obj.get("metadata") or {}).get("merchant_ref") or obj.get("client_reference_id") or ""
        )
        return Notification(
            str(obj.get("id") or ""), None, verified=True, raw=event, merchant_ref=merchant_ref
        )

    def _verified(self, body: bytes, signature: str) -> dict:
        for secret in self.webhook_secrets:
            try:
                return stripe.Webhook.construct_event(
                    body, signature, secret, TOLERANCE_SECONDS
                ).to_dict()
            except stripe.SignatureVerificationError:
                continue
            except ValueError as exc:
                raise ProviderError(
                    "This is not a Stripe event.", code="invalid_notification"
                ) from exc
        raise ProviderError("The Stripe signature does not verify.", code="invalid_signature")

    def acknowledge(self) -> tuple[int, str]:
        return 200, "OK"
