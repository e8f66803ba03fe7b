"""The balance of a deposit booking, collected on its due day.

A booking waits for its balance when its deposit is paid: it is in a state its process's
final pay step (``pays=TOTAL``) leaves from, in a process that also takes a deposit, with
something paid and less than the buyer's total. Its balance is due the marketplace's
``balance_due_days`` before it starts (0: no due day; the customer pays when they choose).
``bookings_balance_due_run`` (the timers task, every minute, per marketplace) moves each such
booking through three stages, each claimed by a conditional update of its own column, so a
run twice, or twice at once, takes each stage once:

1. **Due**: ``balance_requested_at`` is set and, after the commit, ``booking_balance_collect``
   (a task) charges the method the deposit's provider saved, off-session, for the balance (a
   ``balance_payment`` settled like any payment); where no such method or provider exists
   (the Iraqi gateways), or the charge fails, the customer gets a payment link (the
   ``balance_due`` event: feed entry and e-mail).
2. **Reminder**: half the marketplace's ``balance_grace_hours`` after that, still unpaid: the
   ``balance_reminder`` event (feed entry and e-mail, with the link again).
3. **Cancellation**: the grace period over, still unpaid: the system cancels the booking
   under the process's rules, as a cancellation by the customer (``reason: balance_unpaid``),
   so the deposit is refunded as the customer's cancellation rules give.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from billing.models import Payment, SavedPaymentMethod
from billing.providers.base import Capability, PaymentState
from billing.providers.registry import driver_for
from billing.services.payments import payment_create
from bookings.models import Actor, Booking, BookingEvent
from bookings.processes import all_processes
from bookings.services.payments import booking_payment_due, pay_steps
from bookings.services.steps import DEPOSIT, TOTAL
from bookings.services.transitions import (
    apply_transition,
    locked_booking,
    on_commit_in_tenant,
    record_event,
)
from config.errors import ServiceError
from tenants.db import connection
from tenants.models import Marketplace

logger = logging.getLogger(__name__)
BATCH = 200
# The system's cancellation of a booking whose balance stayed unpaid counts as the
# customer's under the cancellation rules (bookings.services.effects).
UNPAID_REASON = "balance_unpaid"
DUE_EVENT, REMINDER_EVENT = "balance_due", "balance_reminder"


def awaiting_balance() -> Q:
    """Bookings whose deposit is paid and whose balance is not."""
    states = Q(pk__in=[])
    for name, process in all_processes().items():
        steps = pay_steps(process)
        if not any(step.pays == DEPOSIT for step in steps):
            continue
        for step in steps:
            if step.pays == TOTAL:
                states |= Q(process=name, state__in=process.transition(step.name).sources)
    return states & Q(
        starts_at__isnull=False,
        deposit_minor__gt=0,
        paid_minor__gt=0,
        paid_minor__lt=F("buyer_total_minor"),
    )


def _claimed(booking_id: int, column: str, now: datetime) -> bool:
    return bool(
        Booking.objects.filter(
            awaiting_balance(), pk=booking_id, **{f"{column}__isnull": True}
        ).update(**{column: now})
    )


def bookings_balance_due_run(*, now: datetime | None = None) -> dict[str, int]:
    """Take each due stage of this marketplace's balances; returns how many of each."""
    now = now or timezone.now()
    row = Marketplace.objects.values("balance_due_days", "balance_grace_hours").get(
        pk=connection.tenant.pk
    )
    done = {"balance_requested": 0, "balance_reminded": 0, "balance_cancelled": 0}
    if not row["balance_due_days"]:
        return done
    grace = timedelta(hours=row["balance_grace_hours"])
    waiting = Booking.objects.filter(awaiting_balance()).order_by("pk")
    due = waiting.filter(
        balance_requested_at__isnull=True,
        starts_at__lte=now + timedelta(days=row["balance_due_days"]),
    )
    for booking_id in due.values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            if _claimed(booking_id, "balance_requested_at", now):
                on_commit_in_tenant(partial(_collect_later, booking_id))
                done["balance_requested"] += 1
    remind = waiting.filter(
        balance_reminded_at__isnull=True, balance_requested_at__lte=now - grace / 2
    )
    for booking_id in remind.values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            if _claimed(booking_id, "balance_reminded_at", now):
                booking = locked_booking(booking_id)
                record_event(booking, name=REMINDER_EVENT, from_state=booking.state,
                             role=Actor.SYSTEM, actor=None, data={})  # fmt: skip
                done["balance_reminded"] += 1
    overdue = waiting.filter(
        balance_reminded_at__isnull=False, balance_requested_at__lte=now - grace
    )
    for booking_id in overdue.values_list("pk", flat=True)[:BATCH]:
        done["balance_cancelled"] += _cancel_unpaid(booking_id, now)
    return done


def _collect_later(booking_id: int) -> None:
    from bookings.tasks import booking_balance_collect

    booking_balance_collect.delay(booking_id)


def _cancel_unpaid(booking_id: int, now: datetime) -> int:
    try:
        with transaction.atomic():
            booking = locked_booking(booking_id)
            if not Booking.objects.filter(awaiting_balance(), pk=booking_id).exists():
                return 0  # paid or moved on meanwhile
            apply_transition(booking, name="cancel", role=Actor.SYSTEM, now=now,
                             record={"reason": UNPAID_REASON})  # fmt: skip
    except ServiceError as exc:
        logger.warning("booking %s: unpaid balance not cancelled: %s", booking_id, exc)
        return 0
    return 1


def _saved_method(booking: Booking) -> SavedPaymentMethod | None:
    """The method the deposit's provider saved for its payer, if that provider charges it
    off-session here."""
    deposit = (
        Payment.objects.filter(subject=f"booking:{booking.pk}", state=PaymentState.PAID)
        .order_by("pk")
        .first()
    )
    if deposit is None:
        return None
    method = SavedPaymentMethod.objects.filter(
        user_id=booking.customer_id, provider=deposit.provider
    ).first()
    if method is None:
        return None
    try:
        capable = Capability.OFF_SESSION in driver_for(method.provider).capabilities
    except ServiceError:  # the provider is no longer enabled here
        return None
    return method if capable else None


def booking_balance_collect(*, booking_id: int) -> str:
    """Charge the balance off-session where the deposit saved a method; else, or when that
    fails, send the customer a payment link (once). Returns what it did."""
    booking = Booking.objects.select_related("customer", "provider", "listing").get(pk=booking_id)
    due = booking_payment_due(booking)
    if due is None or booking.balance_requested_at is None:
        return "nothing_due"
    method = _saved_method(booking)
    if method is not None:
        try:
            payment = payment_create(
                payer=booking.customer, subject=f"booking:{booking.pk}", purpose=due.purpose,
                amount=due.amount, provider=method.provider, allocations=due.allocations,
                idempotency_key=f"balance:{booking.pk}:{due.version}",
                return_url=connection.tenant.absolute_url("/"), description=due.description,
                saved_method=method,
            )  # fmt: skip
            if payment.state in (PaymentState.PENDING, PaymentState.PAID):
                return "charged"
        except ServiceError as exc:
            logger.info("booking %s: balance not charged off-session: %s", booking.pk, exc)
    with transaction.atomic():
        booking = locked_booking(booking_id)
        if BookingEvent.objects.filter(booking=booking, transition=DUE_EVENT).exists():
            return "link_sent"
        record_event(booking, name=DUE_EVENT, from_state=booking.state, role=Actor.SYSTEM,
                     actor=None, data={"due_minor": due.amount.amount_minor})  # fmt: skip
    return "link_sent"
