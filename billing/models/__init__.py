from billing.models.auto_reload import AutoReload
from billing.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.models.payments import (
    Payment,
    PaymentExchange,
    ProviderAccount,
    SavedPaymentMethod,
)
from billing.models.payouts import Payout, PayoutAccount, PayoutMethod, Receipt
from billing.models.stripe import ConnectedAccount, StripeEvent, StripeTransfer, SubjectHold

__all__ = [
    "AutoReload",
    "ConnectedAccount",
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
    "StripeEvent",
    "StripeTransfer",
    "SubjectHold",
]
