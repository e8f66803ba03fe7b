# The ledger, payments, payouts and wallets arrive with billing.
