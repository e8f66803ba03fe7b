"""Staff refunds of a booking or order: the money back through billing, and for an order whose
process has a ``refund`` step (product orders), refunding all that is left takes the step, which
gives the stock back in the same transaction (``refund_and_restock``), once."""

from __future__ import annotations

from django.db import transaction

from accounts.roles import require_staff
from billing.money import Money
from billing.services.staff_refunds import (
    RefundOutcome,
    refund_outcome,
    subject_refund_by_staff,
    subject_refundable,
)
from bookings.models import Booking
from bookings.processes import get_process
from bookings.selectors.bookings import booking_get
from bookings.services.inventory import booking_holds_release
from bookings.services.transitions import Move, apply_transition

REFUND_STEP = "refund"


def _takes_refund_step(booking: Booking, role: str) -> bool:
    step = get_process(booking.process).transitions.get(REFUND_STEP)
    return step is not None and booking.state in step.sources and role in step.actors


def booking_refund(
    *, actor, booking_id: int, amount_minor: int | None, reason: str, idempotency_key: str
) -> tuple[Booking, RefundOutcome]:
    """Staff refund ``amount_minor`` (None: all that is refundable) of what was paid for the
    booking. The same ``idempotency_key`` answers the first refund again."""
    require_staff(actor)
    reference = f"staff-{idempotency_key}"
    subject = f"booking:{booking_id}"
    with transaction.atomic():
        booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
        done = refund_outcome(reference=reference)
        amount = None if amount_minor is None else Money(amount_minor, booking.currency)
        whole = amount is None or amount == subject_refundable(subject=subject)
        if done is None and whole and _takes_refund_step(booking, role):
            apply_transition(
                booking, name=REFUND_STEP, role=role, actor=actor,
                data={"reason": reason, "refund_reference": reference},
            )  # fmt: skip
        outcome = subject_refund_by_staff(
            actor=actor, subject=subject, amount=amount, reference=reference
        )
    return booking, outcome


def refund_and_restock(move: Move) -> None:
    """The ``refund`` step: tickets or stock back, and all that billing still holds for the
    booking back to the customer (money paid outside billing is not billing's to move)."""
    booking = move.booking
    booking_holds_release(booking=booking)
    if move.data.get("reason"):
        move.record["reason"] = str(move.data["reason"])[:1000]
    subject = f"booking:{booking.pk}"
    refundable = subject_refundable(subject=subject)
    if refundable is not None and refundable.amount_minor:
        reference = str(move.data.get("refund_reference") or f"booking-refund-{booking.pk}")
        subject_refund_by_staff(
            actor=move.actor, subject=subject, amount=refundable, reference=reference
        )
        move.record["refund_minor"] = refundable.amount_minor
