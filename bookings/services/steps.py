"""Every step of the booking processes, by transition name, defined once: what it does to the
booking (its effects, run by apply_transition under the row lock), who hears of it (its
notification rule, read by bookings.services.notifications), whether a payment takes it
(bookings.services.payments), whether it has an endpoint of its own (bookings.api.bookings)
and whether it restarts the dispute window (bookings.services.disputes).

The process files (bookings/processes/*.json) stay the state machines: where a step leads
from and to, who may take it, which guards (registered by name, transitions.guard) must pass,
and the timers. A process that reuses a name gets the step's behaviour from here, so a new
process made only of known names needs no code. A name not here has no effect and notifies
nobody; so do the events that are no step (``part_payment``, ``flag_late``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bookings.models import Actor, BookingEvent
from bookings.processes import get_process
from bookings.services import effects, refunds, sessions, tickets
from bookings.services.transitions import Effect, Move

# Who hears of a step. "other" is the party that did not take it (both parties when the
# system or staff took it).
CUSTOMER, PROVIDER, STAFF, OTHER, BOTH = "customer", "provider", "staff", "other", "both"
# What a payment must cover before it takes a pay step: the deposit, or the buyer's total.
DEPOSIT, TOTAL = "deposit", "total"

# (notification kind, recipients)
Rule = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Step:
    name: str
    # Run in this order when the step is taken.
    effects: tuple[Effect, ...] = ()
    # What the step's event announces: fixed rules, or a function of the event where that
    # depends on who took the step or on the process.
    notifies: tuple[Rule, ...] | Callable[[BookingEvent], tuple[Rule, ...]] = ()
    # Taken by the system when the payments add up to DEPOSIT or TOTAL.
    pays: str | None = None
    # Taken by the system right after a payment, where the process allows it.
    follows_payment: bool = False
    # The endpoint that takes it, when it carries files or opens a case: not the generic one.
    endpoint: str | None = None
    # The dispute window counts from the latest such step instead of from the payment.
    restarts_dispute_window: bool = False

    def notifications(self, event: BookingEvent) -> tuple[Rule, ...]:
        return self.notifies(event) if callable(self.notifies) else self.notifies


def only_in(*processes: str, effect: Effect) -> Effect:
    """``effect`` where the booking follows one of ``processes``; elsewhere the step has it not."""

    def limited(move: Move) -> None:
        if move.process.name in processes:
            effect(move)

    return limited


def _created(event: BookingEvent) -> tuple[Rule, ...]:
    if event.data.get("then"):  # the next step, in the same transaction, announces it
        return ()
    initial = {"requested": "new_request", "inquiry": "new_inquiry"}.get(event.to_state)
    return ((initial, (PROVIDER,)),) if initial else ()


def _answered(if_customer: str, if_provider: str) -> Callable[[BookingEvent], tuple[Rule, ...]]:
    """A customer answers a quote (the provider hears); a provider or the system a request
    (the other side hears)."""

    def rules(event: BookingEvent) -> tuple[Rule, ...]:
        if event.actor_role == Actor.CUSTOMER:
            return ((if_customer, (PROVIDER,)),)
        return ((if_provider, (OTHER,)),)

    return rules


def _paid(event: BookingEvent) -> tuple[Rule, ...]:
    # Tickets are announced to the buyer when issued, right after payment.
    issued_next = "issue" in get_process(event.booking.process).transitions
    return (("booking_paid", (PROVIDER,) if issued_next else (BOTH,)),)


def _steps(*steps: Step) -> dict[str, Step]:
    return {step.name: step for step in steps}


STEPS = _steps(
    # Not a transition: the create event of every booking.
    Step("create", notifies=_created),
    Step("request", notifies=(("new_request", (PROVIDER,)),)),
    Step(
        "quote",
        effects=(effects.freeze_quote,),
        notifies=(("quote_received", (CUSTOMER,)),),
    ),
    Step("accept", notifies=_answered("quote_accepted", "request_accepted")),
    Step(
        "decline",
        effects=(effects.release_holds,),
        notifies=_answered("quote_declined", "request_declined"),
    ),
    Step(
        "pay_deposit",
        notifies=(("deposit_paid", (BOTH,)),),
        pays=DEPOSIT,
    ),
    Step("pay_final", notifies=(("booking_paid", (BOTH,)),), pays=TOTAL),
    # Not transitions: a deposit booking's balance asked for on its due day, and reminded
    # (bookings.services.balance_payments); the e-mails carry a payment link.
    Step("balance_due", notifies=(("balance_due", (CUSTOMER,)),)),
    Step("balance_reminder", notifies=(("balance_reminder", (CUSTOMER,)),)),
    Step("pay", notifies=_paid, pays=TOTAL),
    Step(
        "issue",
        effects=(only_in("tickets", effect=tickets.email_tickets_after_issue),),
        notifies=(("tickets_issued", (CUSTOMER,)),),
        follows_payment=True,
    ),
    Step(
        "start",
        effects=(only_in(sessions.PROCESS, effect=sessions.live_session_start),),
    ),
    Step("end", effects=(only_in(sessions.PROCESS, effect=sessions.live_session_settle),)),
    Step(
        "deliver",
        notifies=(("delivered", (CUSTOMER,)),),
        endpoint="/api/v1/bookings/{id}/deliveries/",
        restarts_dispute_window=True,
    ),
    Step(
        "request_revision",
        effects=(effects.count_revision,),
        notifies=(("revision_requested", (PROVIDER,)),),
    ),
    Step(
        "complete",
        effects=(only_in("date_booking", effect=effects.require_performed),),
        notifies=(("completed", (BOTH,)),),
        restarts_dispute_window=True,
    ),
    Step("review"),
    Step(
        "dispute",
        notifies=(("dispute_opened", (OTHER, STAFF)),),
        endpoint="/api/v1/bookings/{id}/dispute/",
    ),
    Step(
        "resolve",
        notifies=(("dispute_resolved", (BOTH,)),),
        endpoint="/api/v1/bookings/{id}/dispute/resolve/",
    ),
    Step(
        "cancel",
        effects=(effects.release_holds, effects.apply_cancellation_rules),
        notifies=(("booking_cancelled", (BOTH,)),),
    ),
    Step(
        "expire",
        effects=(effects.release_holds,),
        notifies=(("booking_expired", (BOTH,)),),
    ),
    Step("release", effects=(effects.release_holds,)),
    Step(
        "refund",
        effects=(refunds.refund_and_restock,),
        notifies=(("refunded", (CUSTOMER,)),),
    ),
)


def step_of(name: str) -> Step:
    """The step named ``name``; one with no effect and no notification if none is."""
    return STEPS.get(name) or Step(name)
