"""The Stripe sandbox: the subset of Stripe's API that Souk's driver uses, in Stripe's shapes,
for stripe-python pointed at it through its API base.

Run: ``python -m sandboxes.stripe --port 8705``. Any secret key ``sk_test_…`` is accepted and is
its own platform: objects, events, balances and idempotency keys are partitioned by key, so two
marketplaces never see each other's objects. ``Stripe-Account: acct_…`` acts as a connected
account of that platform.

Modules: ``server`` (keys, form decoding, idempotency, expansion, errors), ``customers``,
``payment_intents``, ``setup_intents``, ``charges`` (charges, refunds, disputes), ``checkout``,
``accounts`` (accounts, account links), ``transfers`` (transfers, payouts, balance), ``webhooks``
(events, endpoints, signed delivery), ``pages`` (hosted Checkout, 3-D Secure, onboarding) and
``hooks`` (``/__sandbox/`` test hooks). What each hook takes is in ``hooks``.
"""

from __future__ import annotations

from sandboxes.stripe import (
    accounts,
    charges,
    checkout,
    customers,
    hooks,
    pages,
    payment_intents,
    setup_intents,
    transfers,
    webhooks,
)
from sandboxes.stripe.server import StripeCore


class StripeSandbox(StripeCore):
    def __init__(self) -> None:
        super().__init__()
        api = (customers, payment_intents, setup_intents, charges, checkout, accounts, transfers)
        for module in (*api, webhooks, pages, hooks):
            module.register(self)


__all__ = ["StripeSandbox"]
