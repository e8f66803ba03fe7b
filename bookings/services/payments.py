"""Paying for a booking: ``booking_payment_start`` opens a payment through billing for what is
owed now, and ``booking_mark_paid`` is the call billing makes when money for it has arrived.

Payments add up on the booking. Each pay step of the process (``Step.pays`` in
bookings.services.steps) is taken once what has been paid covers it: the deposit step (date
bookings) once the deposit is covered, the final or only step once the buyer's total is. With
no deposit, one payment takes both steps; then the steps that follow payment (``issue``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.hooks import Due
from billing.models import LedgerAccount, Payment, SubjectHold
from billing.money import Money
from billing.services import refunds
from billing.services.payments import Allocation, payment_create
from bookings.models import Actor, Booking, BookingEvent, BookingPayment
from bookings.processes import Process, all_processes, get_process
from bookings.selectors.bookings import booking_get
from bookings.services.steps import DEPOSIT, STEPS, TOTAL, Step
from bookings.services.transitions import apply_transition, locked_booking, record_event
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed, StateConflict
from tenants.db import connection

LedgerKind = LedgerAccount.Kind
REFERENCE_MAX_LENGTH = BookingPayment._meta.get_field("reference").max_length or 255


def _reference_used(reference: str) -> StateConflict:
    return StateConflict(
        _("This payment is already counted on another booking."),
        code="payment_reference_used",
        details={"reference": reference},
    )


def pay_steps(process: Process) -> list[Step]:
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
        steps = pay_steps(process)
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


def booking_payable(booking: Booking) -> tuple[int, str]:
    """What the customer pays next and what for: the rest of the deposit while the deposit
    step is still to take, else everything still due. (0, "") when nothing is payable now."""
    process = get_process(booking.process)
    for step in pay_steps(process):
        if booking.priced and booking.state in process.transition(step.name).sources:
            threshold = _threshold(booking, step)
            purpose = Payment.Purpose.DEPOSIT if step.pays == DEPOSIT else Payment.Purpose.CHARGE
            if step.pays == TOTAL and booking.paid_minor:
                purpose = Payment.Purpose.BALANCE_PAYMENT
            return max(threshold - booking.paid_minor, 0), purpose
    return 0, ""


def booking_payment_due(booking: Booking) -> Due | None:
    """What the customer owes now (booking_payable), split like the booking: the provider's
    payout to their pending earnings, the commission, the buyer fee. None when nothing is."""
    amount_minor, purpose = booking_payable(booking)
    if amount_minor <= 0:
        return None
    amount = Money(amount_minor, booking.currency)
    parts = amount.split([booking.provider_payout_minor, booking.commission_minor,
                          booking.buyer_fee_minor])  # fmt: skip
    kinds = [(LedgerKind.PROVIDER_PENDING, booking.provider.user_id),
             (LedgerKind.PLATFORM_FEES, None), (LedgerKind.BUYER_FEES, None)]  # fmt: skip
    allocations = [
        Allocation(kind, part, owner_id=owner)
        for (kind, owner), part in zip(kinds, parts, strict=True)
        if part.amount_minor
    ]
    return Due(
        payer=booking.customer,
        amount=amount,
        purpose=purpose,
        allocations=allocations,
        description=f"{booking.number} {booking.listing.title}",
        version=f"{booking.state}:{booking.paid_minor}",
    )


def booking_payment_due_of(subject: str) -> Due | None:
    """Billing's due hook for ``booking:<id>`` subjects (payment links)."""
    booking = (
        Booking.objects.select_related("customer", "provider", "listing")
        .filter(pk=int(subject.partition(":")[2]))
        .first()
    )
    return booking_payment_due(booking) if booking is not None else None


def booking_payment_start(
    *, actor, booking_id: int, provider: str, return_url: str, idempotency_key: str
) -> Payment:
    """Open a payment through ``provider`` for what the booking's customer owes now; its
    ``next_action`` says what the customer does. When the provider confirms it, billing calls
    ``booking_mark_paid`` (registered in bookings.hooks). The same key returns the same payment."""
    booking, role = booking_get(viewer=actor, booking_id=booking_id)
    if role != Actor.CUSTOMER:
        raise NotAllowed(_("Only the booking's customer pays for it."), code="wrong_actor")
    due = booking_payment_due(booking)
    if due is None:
        raise StateConflict(
            _("A booking that is %(state)s is not awaiting payment.")
            % {"state": booking.state.replace("_", " ")},
            code="not_awaiting_payment",
        )
    return payment_create(
        payer=actor,
        subject=f"booking:{booking.pk}",
        purpose=due.purpose,
        amount=due.amount,
        provider=provider,
        allocations=due.allocations,
        idempotency_key=f"{actor.pk}:{idempotency_key}",
        return_url=return_url,
        description=due.description,
        # The balance of a deposit booking is charged to the same card on its due day.
        save_method=due.purpose == Payment.Purpose.DEPOSIT,
    )


def booking_payment_settled(payment: Payment) -> None:
    """Billing's settled hook for ``booking:<id>`` payments."""
    booking_mark_paid(
        booking_id=int(payment.subject.partition(":")[2]),
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        reference=payment.reference,
    )


RELEASE_BATCH = 200


def bookings_release_due(*, now: datetime | None = None) -> int:
    """Release the provider's share of completed bookings whose release delay (the
    marketplace's ``release_delay_hours`` after completion) has passed; a booking in dispute is
    not completed, so its money waits for the decision, and one on hold (a chargeback) waits
    for the hold to be lifted. Returns how many were released."""
    now = now or timezone.now()
    delay = timedelta(hours=connection.tenant.release_delay_hours)
    # Completed: in the first reviewable state of its own process, entered before the delay.
    completed = Q()
    for name, process in all_processes().items():
        if process.reviewable:
            completed |= Q(process=name, state=process.reviewable[0])
    entered = BookingEvent.objects.filter(booking=OuterRef("pk"), to_state=OuterRef("state"))
    held = SubjectHold.objects.filter(subject=OuterRef("subject"), lifted_at__isnull=True)
    due = (
        Booking.objects.filter(completed, released_at__isnull=True, paid_minor__gt=0)
        .annotate(
            entered=Subquery(entered.order_by("-created_at").values("created_at")[:1]),
            subject=Concat(Value("booking:"), Cast("pk", CharField())),
        )
        .filter(entered__lte=now - delay)
        .exclude(Exists(held))
        .order_by("pk")
        .values_list("pk", flat=True)[:RELEASE_BATCH]
    )
    released = 0
    for booking_id in due:
        subject = f"booking:{booking_id}"
        with transaction.atomic():
            if refunds.subject_on_hold(subject):
                continue  # held since the query: a later run releases it once lifted
            refunds.subject_release(subject=subject, reference=f"complete-{booking_id}")
            Booking.objects.filter(pk=booking_id).update(released_at=now)
        released += 1
    return released
