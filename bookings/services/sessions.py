"""Metered live sessions: start, heartbeat, end, and the sweep that ends silent sessions.

Billing rules, all computed on the server from its own clock (a client's times or minute
counts are never read):
- A session is billed per started billing unit (``billing_unit_seconds`` of the listing
  type, 60 by default): after ``elapsed`` seconds, ``ceil(elapsed / unit)`` minutes have
  started, at least 1. At exactly 60 s one minute has started; at 60.001 s two.
- Minutes are paid in advance from the customer's prepaid balance: the first when the
  session starts, each later one at the first heartbeat (or the end) after it has started.
  ``LiveSession.billed_minutes`` / ``billed_minor`` are what has been charged so far.
- When a started minute cannot be paid, the session ends (reason ``balance``) at what was
  paid; the balance never goes negative (billing's CHECK constraint backs it).
- A session without a heartbeat for ``SOUK_SESSION_SILENCE_SECONDS`` (120 by default) is
  ended by the due-timers run (reason ``silence``) and billed up to its last heartbeat: the
  minutes started before the last heartbeat, or those already charged if more.
- Ending settles: the billed amount becomes the booking's frozen price (so the marketplace's
  commission and the provider's payout are exact) and what was charged is what was paid.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import balances
from billing.money import FeePolicy, Money
from bookings.models import Actor, Booking, LiveSession
from bookings.selectors.bookings import booking_get
from bookings.selectors.sessions import (
    PROCESS,
    Meter,
    billing_unit,
    session_get,
    session_meter_of,
)
from bookings.services.pricing import fee_policy, freeze_price
from bookings.services.transitions import Move, apply_transition
from config.errors import BusinessRuleViolation, NotAllowed, StateConflict

SWEEP_BATCH = 500
# Re-reads of the balance when a concurrent spend beat us to it, before giving up (which
# ends the session at what was paid, as an empty balance would).
CHARGE_ATTEMPTS = 5
EndReason = LiveSession.EndReason


def session_request_check(listing) -> bool:
    """A live reading is asked of an online provider. If the provider is offline, it is
    refused (409 ``provider_offline``) unless the listing type's config allows
    ``offline_requests``: then it is a request for later, and True is returned so that the
    booking's create event says so (``data.for_later``)."""
    if listing.provider.is_online:
        return False
    if listing.listing_type.config.get("offline_requests"):
        return True
    raise StateConflict(
        _("This reader is offline; a live reading can only be requested while they are online."),
        code="provider_offline",
    )


def silence_seconds() -> int:
    return settings.SOUK_SESSION_SILENCE_SECONDS


def started_units(started_at: datetime, at: datetime, unit: timedelta) -> int:
    """Billing units started between ``started_at`` and ``at``: ceil(elapsed / unit), ≥ 1.

    Integer timedelta division, so no float ever decides a minute."""
    elapsed = max(at - started_at, timedelta(0))
    return max(1, -(-elapsed // unit))


def _rate(booking: Booking, session: LiveSession) -> Money:
    return Money(session.rate_minor, booking.currency)


def _charge(booking: Booking, session: LiveSession, amount: Money, *, units: int) -> None:
    """Post ``units`` more billing units of the session to the ledger: the marketplace's
    commission to the platform, the rest to the provider's pending earnings. The reference
    names the units (the next ones after those billed), so a retried charge posts once."""
    policy = FeePolicy(**booking.fee_policy) if booking.fee_policy else fee_policy()
    first = session.billed_minutes + 1
    balances.prepaid_balance_charge(
        customer=booking.customer,
        amount=amount,
        payee=booking.provider.user,
        fee=amount.share_bps(policy.commission_bps),
        reference=f"session:{booking.pk}:units:{first}-{first + units - 1}",
        memo=f"{booking.number}: {units} × {session.rate_minor}",
    )


def _charge_minutes(booking: Booking, session: LiveSession, count: int) -> int:
    """Charge up to ``count`` minutes, as many as the balance pays; returns how many.

    The charge itself is conditional on the balance (all or nothing), so a concurrent spend
    by another session of the same customer makes us read the balance again, never overdraw.
    """
    if count <= 0:
        return 0
    rate = _rate(booking, session)
    for _attempt in range(CHARGE_ATTEMPTS):
        balance = balances.prepaid_balance(customer=booking.customer, currency=rate.currency)
        affordable = min(count, balance.amount_minor // rate.amount_minor)
        if affordable <= 0:
            return 0
        try:
            _charge(booking, session, rate.times(affordable), units=affordable)
        except BusinessRuleViolation:
            continue
        session.billed_minutes += affordable
        session.billed_minor += rate.times(affordable).amount_minor
        return affordable
    return 0


def live_session_start(move: Move) -> None:
    booking = move.booking
    session = booking.live_session
    session.started_at = session.last_heartbeat_at = move.now
    # The guard checked the balance; a concurrent spend since then makes this a 422 too.
    _charge(booking, session, _rate(booking, session), units=1)
    session.billed_minutes, session.billed_minor = 1, session.rate_minor
    session.save(
        update_fields=["started_at", "last_heartbeat_at", "billed_minutes", "billed_minor"]
    )
    move.record.update(channel=session.channel, rate_minor=session.rate_minor)


def _end_reason(move: Move) -> str:
    if move.role == Actor.CUSTOMER:
        return EndReason.CUSTOMER
    if move.role == Actor.PROVIDER:
        return EndReason.PROVIDER
    # Only the system (heartbeat or sweep) ends a session on its own and says why; a party's
    # "reason" never reaches here, since the party's role decides.
    reason = move.data.get("reason")
    return reason if reason in (EndReason.BALANCE, EndReason.SILENCE) else EndReason.SILENCE


def live_session_settle(move: Move) -> None:
    booking = move.booking
    session = booking.live_session
    reason = _end_reason(move)
    billed_until = session.last_heartbeat_at if reason == EndReason.SILENCE else move.now
    # "end" leaves only the live state, and "start" stamped both times on entering it.
    assert session.started_at is not None and billed_until is not None
    due = max(
        started_units(session.started_at, billed_until, billing_unit(booking)),
        session.billed_minutes,
    )
    unpaid = due - session.billed_minutes
    if unpaid:
        _charge_minutes(booking, session, unpaid)
    session.ended_at = move.now
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason", "billed_minutes", "billed_minor"])
    billed = Money(session.billed_minor, booking.currency)
    move.changed |= freeze_price(booking, billed)
    # The per-minute charges are the payment.
    move.set(paid_minor=billed.amount_minor, paid_at=move.now)
    move.record.update(
        reason=reason,
        billed_until=billed_until.isoformat(),
        due_minutes=due,
        billed_minutes=session.billed_minutes,
        billed_minor=session.billed_minor,
    )


def session_heartbeat(*, actor, booking_id: int) -> Meter:
    """A party says the session is still on: charge every minute started since the last
    charge; end the session when the balance cannot pay one. Returns the meter after it."""
    now = timezone.now()
    with transaction.atomic():
        booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
        session = session_get(booking=booking)
        if role not in (Actor.CUSTOMER, Actor.PROVIDER):
            raise NotAllowed(
                _("Only the customer and the provider keep a session alive."),
                code="wrong_actor",
                details={"allowed": [Actor.CUSTOMER, Actor.PROVIDER]},
            )
        if booking.state != "live":
            raise StateConflict(
                _("This session is not live."),
                code="session_not_live",
                details={"state": booking.state, "end_reason": session.end_reason},
            )
        assert session.started_at is not None  # stamped by "start" on entering live
        started = started_units(session.started_at, now, billing_unit(booking))
        unpaid = started - session.billed_minutes
        paid = _charge_minutes(booking, session, unpaid) if unpaid > 0 else 0
        session.last_heartbeat_at = now
        session.save(update_fields=["last_heartbeat_at", "billed_minutes", "billed_minor"])
        if paid < unpaid:
            apply_transition(
                booking,
                name="end",
                role=Actor.SYSTEM,
                now=now,
                data={"reason": EndReason.BALANCE},
            )
        return session_meter_of(booking=booking, role=role, now=now)


def sessions_end_silent(*, now: datetime | None = None) -> int:
    """End live sessions whose last heartbeat is older than the silence limit; one
    transaction per session, busy ones are left to the next run. Returns how many ended."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=silence_seconds())
    silent = list(
        Booking.objects.filter(
            process=PROCESS, state="live", live_session__last_heartbeat_at__lt=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ended = 0
    for booking_id in silent:
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("provider", "listing__listing_type", "live_session")
                .filter(pk=booking_id, state="live", live_session__last_heartbeat_at__lt=cutoff)
                .first()
            )
            if booking is None:  # a heartbeat came, or someone holds it: next run
                continue
            apply_transition(
                booking,
                name="end",
                role=Actor.SYSTEM,
                now=now,
                data={"reason": EndReason.SILENCE},
                record={"silence_seconds": silence_seconds()},
            )
            ended += 1
    return ended
