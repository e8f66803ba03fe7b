from billing.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.models.payments import (
    Payment,
    PaymentExchange,
    ProviderAccount,
    SavedPaymentMethod,
)
from billing.models.payouts import Payout, PayoutAccount, PayoutMethod, Receipt

__all__ = [
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Payment",
    "PaymentExchange",
    "Payout",
    "PayoutAccount",
    "PayoutMethod",
    "ProviderAccount",
    "Receipt",
    "SavedPaymentMethod",
]
