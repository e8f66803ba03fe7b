"""The one interface every payment provider's driver implements, and the types it speaks.

Drivers translate between these frozen types and the provider's HTTP protocol. They never touch
models: billing's services store what they return and apply it to payments and the ledger.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Protocol

from billing.money import Money, exponent


class PaymentState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class Capability(StrEnum):
    REDIRECT = "redirect"
    QR = "qr"
    APP_LINK = "app_link"
    CANCEL = "cancel"
    REFUND = "refund"
    PARTIAL_REFUND = "partial_refund"
    SIGNED_NOTIFY = "signed_notify"
    SPLIT = "split"
    # Saves the payer's card for later and charges it without the payer (charge_saved).
    OFF_SESSION = "off_session"
    # Sends money to a provider's own account (payout).
    PAYOUT = "payout"


class ProviderError(Exception):
    """The provider refused or could not be reached; ``code`` is ours, ``raw`` what it said."""

    def __init__(self, message: str, *, code: str = "provider_error", raw: Any = None):
        super().__init__(message)
        self.code = code
        self.raw = raw


class Unsupported(ProviderError):
    def __init__(self, message: str):
        super().__init__(message, code="not_supported_by_provider")


@dataclass(frozen=True)
class NextAction:
    """What the customer does next: follow ``url``, scan ``qr_image`` (a data URL) or type
    ``readable_code``, or open one of ``app_links``."""

    type: str  # "redirect", "qr", "app_link"
    url: str = ""
    qr_image: str = ""
    readable_code: str = ""
    app_links: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentRequest:
    merchant_ref: str
    amount: Money
    description: str
    return_url: str
    cancel_url: str
    callback_url: str
    idempotency_key: str
    expires_in: timedelta | None = None
    customer_phone: str = ""
    # Keep the payer's payment method for off-session charges (Stripe setup_future_usage).
    save_method: bool = False
    # The payer at the provider (a Stripe customer id), when it knows them already.
    customer_ref: str = ""
    # Groups a charge with the transfers that later release it (Stripe transfer_group).
    transfer_group: str = ""


@dataclass(frozen=True)
class PaymentSession:
    provider_ref: str
    state: PaymentState
    next_action: NextAction
    expires_at: datetime | None
    raw: Any


@dataclass(frozen=True)
class SavedMethod:
    """A payment method the provider keeps for charging the payer later without them."""

    customer_ref: str
    method_ref: str
    label: str = ""  # what the payer recognises, e.g. "Visa •••• 4242"


@dataclass(frozen=True)
class PayoutResult:
    payout_ref: str
    state: str  # "pending", "paid", "failed"
    raw: Any


@dataclass(frozen=True)
class PaymentStatus:
    """The provider's authoritative answer about one payment."""

    provider_ref: str
    state: PaymentState
    amount: Money | None
    raw: Any
    # The payment method the provider saved for off-session use, and its customer, if any.
    saved_method: SavedMethod | None = None


@dataclass(frozen=True)
class Notification:
    provider_ref: str
    claimed_state: PaymentState | None
    verified: bool
    raw: Any
    # Our reference, where the provider echoes it (Stripe's metadata.merchant_ref): finds a
    # payment whose provider_ref is another of the provider's objects (a Checkout Session's
    # PaymentIntent).
    merchant_ref: str = ""


@dataclass(frozen=True)
class RefundResult:
    refund_ref: str
    state: PaymentState
    raw: Any


class PaymentProvider(Protocol):
    code: str
    capabilities: frozenset[Capability]

    def create_payment(self, request: PaymentRequest) -> PaymentSession: ...

    def get_status(self, provider_ref: str) -> PaymentStatus: ...

    def parse_notification(
        self, *, headers: dict[str, str], body: bytes, query: dict[str, str]
    ) -> Notification: ...

    def acknowledge(self) -> tuple[int, str]: ...

    def cancel(self, provider_ref: str) -> None: ...

    def refund(
        self, provider_ref: str, amount: Money | None, idempotency_key: str
    ) -> RefundResult: ...

    # Capability.OFF_SESSION: charge a saved method without the payer; raises Unsupported
    # otherwise. A card that needs the payer (declined, authentication required) is a
    # ProviderError with code "off_session_failed": the caller then sends a payment link.
    def charge_saved(self, request: PaymentRequest, method: SavedMethod) -> PaymentSession: ...

    # Capability.PAYOUT: send ``amount`` to ``destination`` (a connected account, an IBAN…),
    # and later ask where a payout the provider had not finished stands.
    def payout(self, destination: str, amount: Money, idempotency_key: str) -> PayoutResult: ...

    def payout_status(self, payout_ref: str) -> PayoutResult: ...


class DriverDefaults:
    """What every driver declares for its configuration, and what one whose provider has no
    off-session charges or payouts answers for them."""

    code: str
    name: str = ""
    # The provider's own hosts by environment ("production", "staging"); a marketplace's
    # staff choose one of these (or the operator's sandbox), never a free address.
    hosts: dict[str, str] = {}
    # What follows the host in its API's address, where the operator's sandbox mirrors it.
    sandbox_path: str = ""
    # The credentials the driver is built with: required, then optional.
    credential_fields: tuple[str, ...] = ()
    optional_credential_fields: tuple[str, ...] = ()
    # The currencies it takes (None: any the provider supports, checked at the driver).
    currencies: frozenset[str] | None = None

    def charge_saved(self, request: PaymentRequest, method: SavedMethod) -> PaymentSession:
        raise Unsupported(f"{self.code} cannot charge a saved payment method.")

    def payout(self, destination: str, amount: Money, idempotency_key: str) -> PayoutResult:
        raise Unsupported(f"{self.code} cannot pay out.")

    def payout_status(self, payout_ref: str) -> PayoutResult:
        raise Unsupported(f"{self.code} has no payouts to look up.")


_sessions = threading.local()


def _session():
    """This thread's HTTP session: connections to a provider are kept alive between calls
    (a status check after a webhook does not pay for a new TCP and TLS handshake)."""
    import requests

    session = getattr(_sessions, "session", None)
    if session is None or getattr(_sessions, "pid", None) != os.getpid():
        session = _sessions.session = requests.Session()
        _sessions.pid = os.getpid()  # a forked worker opens its own connections
    return session


def provider_request(name: str, method: str, url: str, **options: Any) -> tuple[int, Any]:
    """One HTTP call to a provider: (status, the JSON answer, or its text when it is not
    JSON). A transport failure or a 5xx is ``provider_unreachable`` (billing retries those);
    any other status is the caller's to read."""
    import requests

    try:
        response = _session().request(method, url, timeout=options.pop("timeout", 15), **options)
    except requests.RequestException as exc:
        raise ProviderError(
            f"{name} could not be reached: {exc}", code="provider_unreachable"
        ) from exc
    if response.status_code >= 500:
        raise ProviderError(f"{name} answered {response.status_code}.", code="provider_unreachable")
    try:
        answer = response.json()
    except ValueError:
        answer = {"text": response.text[:500]}
    return response.status_code, answer


def whole_dinars(amount: Money, *, provider: str) -> int:
    """IQD in fils (ISO exponent 3) to the whole dinars the Iraqi gateways take; anything else
    is refused before a call is made."""
    if amount.currency != "IQD":
        raise ProviderError(
            f"{provider} takes payments in IQD only.", code="currency_not_supported"
        )
    dinars, fils = divmod(amount.amount_minor, 10 ** exponent("IQD"))
    if fils:
        raise ProviderError(f"{provider} takes whole dinars only.", code="amount_not_whole_dinars")
    return dinars


def dinars_received(value) -> Money | None:
    """An amount a gateway reports, an integer of dinars or a "250.00" string, as IQD fils;
    None when it is not a whole number of fils."""
    try:
        dinars = Decimal(str(value))
    except InvalidOperation:
        return None
    if not dinars.is_finite():
        return None
    fils = dinars.scaleb(exponent("IQD"))
    return Money(int(fils), "IQD") if fils == fils.to_integral_value() else None
