"""Guards and effects of the transitions the processes use. Guards are registered by the
name the process files give them; each effect is named by its step's definition in
bookings.services.steps.

A guard refuses a move (422 for a business rule); an effect changes the locked booking's
fields or related rows as part of the move. Both run inside the transition's transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing import balances
from billing.money import Money
from billing.services import refunds
from bookings.models import RELEASED_STATES, Actor
from bookings.selectors.cancellation import cancellation_refund_minor
from bookings.services.inventory import booking_holds_release
from bookings.services.pricing import freeze_price, quoted_price
from bookings.services.transitions import Move, guard, on_commit_in_tenant
from config.errors import BusinessRuleViolation, StateConflict


@guard("revisions_left")
def _revisions_left(move: Move) -> None:
    booking = move.booking
    if booking.revisions_used >= booking.revisions_allowed:
        raise BusinessRuleViolation(
            _("This order has no revisions left."),
            code="no_revisions_left",
            details={"allowed": booking.revisions_allowed, "used": booking.revisions_used},
        )


@guard("balance_covers_a_minute")
def _balance_covers_a_minute(move: Move) -> None:
    session = move.booking.live_session
    rate = Money(session.rate_minor, move.booking.currency)
    balance = balances.prepaid_balance(customer=move.booking.customer, currency=rate.currency)
    if balance < rate:
        raise BusinessRuleViolation(
            _("The customer's balance does not cover a minute."),
            code="insufficient_balance",
            details={"balance_minor": balance.amount_minor, "rate_minor": rate.amount_minor},
        )


def freeze_quote(move: Move) -> None:
    price = quoted_price(move.data.get("price_minor"), move.booking.currency)
    move.changed |= freeze_price(move.booking, price)
    move.record["price_minor"] = price.amount_minor
    if move.data.get("message"):
        move.record["message"] = str(move.data["message"])[:2000]


def release_holds(move: Move) -> None:
    """Give back held tickets or stock; the freed time follows from the state itself."""
    if move.booking.state in RELEASED_STATES:
        booking_holds_release(booking=move.booking)
    if move.data.get("reason"):
        move.record["reason"] = str(move.data["reason"])[:1000]


def apply_cancellation_rules(move: Move) -> None:
    booking = move.booking
    paid = booking.paid_minor
    # The system cancels a booking whose balance stayed unpaid: the customer's cancellation.
    # (Only the system's: anyone's cancellation may give a reason.)
    unpaid = move.role == Actor.SYSTEM and move.record.get("reason") == "balance_unpaid"
    by_customer = move.role == Actor.CUSTOMER or unpaid
    refund = cancellation_refund_minor(booking=booking, by_customer=by_customer, now=move.now)
    move.set(cancelled_by=move.role, cancellation_refund_minor=refund)
    move.record.update(refund_minor=refund, paid_minor=paid)
    if paid:
        # After commit, billing gives the refund back and releases the rest to the provider.
        subject, money = f"booking:{booking.pk}", Money(refund, booking.currency)
        reference = f"cancel-{booking.pk}"
        on_commit_in_tenant(
            lambda: refunds.subject_settle(subject=subject, refund=money, reference=reference)
        )


def require_performed(move: Move) -> None:
    ends_at = move.booking.ends_at
    if move.role != Actor.STAFF and ends_at and move.now < ends_at:
        raise StateConflict(
            _("A booking is completed after it has taken place."),
            code="not_yet_performed",
            details={"ends_at": ends_at},
        )


def count_revision(move: Move) -> None:
    move.set(revisions_used=move.booking.revisions_used + 1)
    move.record["revision"] = move.booking.revisions_used
    if move.data.get("message"):
        move.record["message"] = str(move.data["message"])[:4000]
