from billing.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.models.payments import (
    Payment,
    PaymentExchange,
    ProviderAccount,
    SavedPaymentMethod,
)

__all__ = [
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Payment",
    "PaymentExchange",
    "ProviderAccount",
    "SavedPaymentMethod",
]
