"""Money: integer minor units beside an ISO 4217 currency code, and every split and fee rule.

Rules, in one place:
- Amounts are ``int`` minor units (pence, cents, fils). Floats are refused everywhere.
- A basis-point share (1 bp = 0.01 %) of an amount rounds half away from zero, computed
  exactly in integers: ``(amount * bps + 5000) // 10000`` for non-negative amounts.
- A split into weighted parts uses the largest-remainder method: each part gets the floor
  of its exact share, and the leftover minor units go one each to the parts with the largest
  remainders (ties to the earlier part). The parts always sum exactly to the amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from config.errors import InvalidInput

# ISO 4217 minor-unit exponents of the currencies Souk handles.
CURRENCY_EXPONENTS: dict[str, int] = {
    "AED": 2, "AUD": 2, "BHD": 3, "CAD": 2, "CHF": 2, "CLP": 0, "EGP": 2, "EUR": 2,
    "GBP": 2, "INR": 2, "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3,
    "LYD": 3, "OMR": 3, "QAR": 2, "SAR": 2, "TND": 3, "TRY": 2, "USD": 2, "VND": 0,
}  # fmt: skip

BPS_WHOLE = 10_000


class MoneyError(ValueError):
    pass


class UnknownCurrency(MoneyError, InvalidInput):
    """A currency code that is not ISO 4217's (as a client may send one): a 400."""

    def __init__(self, currency: str):
        InvalidInput.__init__(
            self,
            _("%(currency)s is not a currency.") % {"currency": currency[:8]},
            code="unknown_currency",
        )


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise UnknownCurrency(currency) from None


def _require_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MoneyError(f"{what} must be an integer, not {type(value).__name__}.")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self):
        _require_int(self.amount_minor, "amount_minor")
        exponent(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_major(cls, amount: Decimal | str | int, currency: str) -> Money:
        """``Money.from_major("12.34", "GBP") == Money(1234, "GBP")``; refuses extra digits."""
        if isinstance(amount, float):
            raise MoneyError("Use a Decimal or a string for amounts, never a float.")
        scaled = Decimal(amount).scaleb(exponent(currency))
        if scaled != scaled.to_integral_value():
            raise MoneyError(f"{amount} has more decimals than {currency} allows.")
        return cls(int(scaled), currency)

    def to_major(self) -> Decimal:
        return Decimal(self.amount_minor).scaleb(-exponent(self.currency))

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"Cannot combine Money with {type(other).__name__}.")
        if other.currency != self.currency:
            raise MoneyError(f"Cannot combine {self.currency} with {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor <= other.amount_minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor > other.amount_minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor >= other.amount_minor

    def times(self, quantity: int) -> Money:
        return Money(self.amount_minor * _require_int(quantity, "quantity"), self.currency)

    def share_bps(self, bps: int) -> Money:
        """``bps`` basis points of this amount, rounded half away from zero."""
        _require_int(bps, "bps")
        if bps < 0:
            raise MoneyError("Basis points cannot be negative.")
        magnitude = (abs(self.amount_minor) * bps + BPS_WHOLE // 2) // BPS_WHOLE
        return Money(magnitude if self.amount_minor >= 0 else -magnitude, self.currency)

    def split(self, weights: Sequence[int]) -> list[Money]:
        """Parts proportional to ``weights`` that sum exactly to this amount."""
        if not weights or any(_require_int(w, "weight") < 0 for w in weights):
            raise MoneyError("Weights must be non-negative integers, at least one.")
        total = sum(weights)
        if total == 0:
            raise MoneyError("At least one weight must be positive.")
        sign = -1 if self.amount_minor < 0 else 1
        amount = abs(self.amount_minor)
        floors = [amount * w // total for w in weights]
        remainders = [amount * w % total for w in weights]
        leftover = amount - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for i in order[:leftover]:
            floors[i] += 1
        return [Money(sign * part, self.currency) for part in floors]

    def __str__(self) -> str:
        return f"{self.to_major():f} {self.currency}"


@dataclass(frozen=True, slots=True)
class FeePolicy:
    """A marketplace's fee settings (tenants.Marketplace fields of the same names)."""

    commission_bps: int
    buyer_fee_bps: int = 0
    minimum_fee_minor: int = 0
    deposit_bps: int = 0

    @classmethod
    def of(cls, marketplace) -> FeePolicy:
        return cls(
            commission_bps=marketplace.commission_bps,
            buyer_fee_bps=marketplace.buyer_fee_bps,
            minimum_fee_minor=marketplace.minimum_fee_minor,
            deposit_bps=marketplace.deposit_bps,
        )


@dataclass(frozen=True, slots=True)
class FeeBreakdown:
    """Who pays and gets what for one price. Invariants (tested):
    buyer_total == provider_payout + platform_total, and deposit + balance == buyer_total."""

    price: Money
    commission: Money
    buyer_fee: Money
    buyer_total: Money
    provider_payout: Money
    platform_total: Money
    deposit: Money
    balance: Money


def fee_breakdown(price: Money, policy: FeePolicy) -> FeeBreakdown:
    """The split of ``price`` under ``policy``.

    The commission (taken from the provider's side) is ``commission_bps`` of the price, at
    least ``minimum_fee_minor`` and never more than the price. The buyer's service fee is
    ``buyer_fee_bps`` on top. The deposit is ``deposit_bps`` of what the buyer pays.
    """
    if price.amount_minor < 0:
        raise MoneyError("A price cannot be negative.")
    minimum = Money(min(policy.minimum_fee_minor, price.amount_minor), price.currency)
    commission = max(price.share_bps(policy.commission_bps), minimum)
    buyer_fee = price.share_bps(policy.buyer_fee_bps)
    buyer_total = price + buyer_fee
    deposit = buyer_total.share_bps(policy.deposit_bps)
    return FeeBreakdown(
        price=price,
        commission=commission,
        buyer_fee=buyer_fee,
        buyer_total=buyer_total,
        provider_payout=price - commission,
        platform_total=commission + buyer_fee,
        deposit=deposit,
        balance=buyer_total - deposit,
    )
