"""What billing tells the apps above it, and asks them. Billing knows nothing of bookings: an
upper app registers, per kind of subject ("booking", …), what happens when a payment for it is
settled, and what is due for it now (what a payment link asks for)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from billing.models import Payment
    from billing.money import Money
    from billing.services.payments import Allocation

SettledHandler = Callable[["Payment"], None]
_settled: dict[str, SettledHandler] = {}


@dataclass(frozen=True)
class Due:
    """What a subject's payer owes now, and where the money goes when it is paid."""

    payer: Any
    amount: Money
    purpose: str
    allocations: Sequence[Allocation]
    description: str
    # Changes whenever what is due changes (e.g. what was paid so far): a payment link opened
    # again for the same state resumes the same payment.
    version: str = ""


DueHandler = Callable[[str], "Due | None"]
_due: dict[str, DueHandler] = {}


def payment_settled_register(kind: str, handler: SettledHandler) -> None:
    """``handler(payment)`` runs inside the transaction that marks a payment of a ``kind:<id>``
    subject paid and posts it to the ledger: if it raises, neither happens."""
    _settled[kind] = handler


def payment_settled_handler(subject: str) -> SettledHandler | None:
    return _settled.get(subject.partition(":")[0])


def payment_due_register(kind: str, handler: DueHandler) -> None:
    """``handler(subject)`` answers what is due now for a ``kind:<id>`` subject, or None when
    nothing is (paid, cancelled, not found)."""
    _due[kind] = handler


def payment_due(subject: str) -> Due | None:
    handler = _due.get(subject.partition(":")[0])
    return handler(subject) if handler else None
