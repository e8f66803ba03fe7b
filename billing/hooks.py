"""What billing tells the apps above it. Billing knows nothing of bookings: an upper app
registers, per kind of subject ("booking", …), what happens when a payment for it is settled."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from billing.models import Payment

SettledHandler = Callable[["Payment"], None]
_settled: dict[str, SettledHandler] = {}


def payment_settled_register(kind: str, handler: SettledHandler) -> None:
    """``handler(payment)`` runs inside the transaction that marks a payment of a ``kind:<id>``
    subject paid and posts it to the ledger: if it raises, neither happens."""
    _settled[kind] = handler


def payment_settled_handler(subject: str) -> SettledHandler | None:
    return _settled.get(subject.partition(":")[0])
