"""The call billing makes when money for a booking has arrived: ``booking_mark_paid``.

Payments add up on the booking. Each pay step of the process (``Step.pays`` in
bookings.services.steps) is taken once what has been paid covers it: the deposit step (date
bookings) once the deposit is covered, the final or only step once the buyer's total is. With
no deposit, one payment takes both steps; then the steps that follow payment (``issue``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Actor, Booking, BookingPayment
from bookings.processes import Process, get_process
from bookings.services.steps import DEPOSIT, STEPS, TOTAL, Step
from bookings.services.transitions import apply_transition, locked_booking, record_event
from config.errors import BusinessRuleViolation, InvalidInput, StateConflict

REFERENCE_MAX_LENGTH = BookingPayment._meta.get_field("reference").max_length or 255


def _reference_used(reference: str) -> StateConflict:
    return StateConflict(
        _("This payment is already counted on another booking."),
        code="payment_reference_used",
        details={"reference": reference},
    )


def _pay_steps(process: Process) -> list[Step]:
    """The process's pay steps in the order they are taken: the deposit before the total."""
    steps = [s for s in STEPS.values() if s.pays and s.name in process.transitions]
    return sorted(steps, key=lambda step: step.pays == TOTAL)


def _threshold(booking: Booking, step: Step) -> int:
    return booking.deposit_minor if step.pays == DEPOSIT else booking.buyer_total_minor


def _check_payable(
    booking: Booking, process: Process, steps: list[Step], *, amount_minor: int, currency: str
) -> None:
    if currency != booking.currency:
        raise InvalidInput(
            _("This booking is paid in %(currency)s.") % {"currency": booking.currency},
            code="currency_mismatch",
        )
    if not booking.priced or not any(
        booking.state in process.transition(s.name).sources for s in steps
    ):
        raise StateConflict(
            _("A booking that is %(state)s is not awaiting payment.")
            % {"state": booking.state.replace("_", " ")},
            code="not_awaiting_payment",
        )
    if booking.paid_minor + amount_minor > booking.buyer_total_minor:
        raise BusinessRuleViolation(
            _("That is more than is due."),
            code="overpayment",
            details={"due_minor": booking.buyer_total_minor - booking.paid_minor},
        )


def _move_on(
    booking: Booking, process: Process, steps: list[Step], *, now: datetime, record: dict
) -> None:
    """Take the pay steps the payments now cover, then the steps that follow payment."""
    took_any = False
    for step in steps:
        move = process.transitions[step.name]
        if booking.state in move.sources and booking.paid_minor >= _threshold(booking, step):
            if step.pays == TOTAL and booking.package is not None:
                booking.due_at = now + timedelta(days=booking.package.delivery_days)
            apply_transition(
                booking,
                name=step.name,
                role=Actor.SYSTEM,
                now=now,
                record=record,
                also_save=("paid_minor", "paid_at", "due_at"),
            )
            took_any = True
    if not took_any:
        # A part payment that completes no step is still recorded on the booking.
        booking.save(update_fields=["paid_minor", "paid_at", "updated_at"])
        record_event(
            booking,
            name="part_payment",
            from_state=booking.state,
            role=Actor.SYSTEM,
            actor=None,
            data=record,
        )
    for step in STEPS.values():
        if step.follows_payment and process.can(
            state=booking.state, transition=step.name, actor=Actor.SYSTEM
        ):
            apply_transition(booking, name=step.name, role=Actor.SYSTEM, now=now)


def booking_mark_paid(
    *, booking_id: int, amount_minor: int, currency: str, reference: str
) -> Booking:
    """Record a payment of ``amount_minor`` for the booking and move it on.

    ``reference`` is the payment's id at billing and counts once in the marketplace (a
    BookingPayment row, unique by reference): the same reference again on this booking is a
    no-op, so a webhook delivered twice never counts twice; on another booking it is refused
    (409 ``payment_reference_used``). Paying more than is due is refused (422).
    """
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise InvalidInput(_("A payment must be a positive whole amount."), code="invalid_amount")
    if not reference or len(reference) > REFERENCE_MAX_LENGTH:
        raise InvalidInput(_("A payment needs its billing reference."), code="invalid_reference")
    with transaction.atomic():
        booking = locked_booking(booking_id)
        counted_on = (
            BookingPayment.objects.filter(reference=reference)
            .values_list("booking_id", flat=True)
            .first()
        )
        if counted_on == booking.pk:
            return booking
        if counted_on is not None:
            raise _reference_used(reference)
        process = get_process(booking.process)
        steps = _pay_steps(process)
        _check_payable(booking, process, steps, amount_minor=amount_minor, currency=currency)
        try:
            with transaction.atomic():
                BookingPayment.objects.create(
                    booking=booking,
                    reference=reference,
                    amount_minor=amount_minor,
                    currency=currency,
                )
        except IntegrityError as exc:
            if "reference" not in str(exc):
                raise
            # Counted on another booking by a transaction that committed after our look-up.
            raise _reference_used(reference) from exc
        now = timezone.now()
        booking.paid_minor += amount_minor
        booking.paid_at = now
        record = {"payment_reference": reference, "amount_minor": amount_minor}
        _move_on(booking, process, steps, now=now, record=record)
    return booking
