"""Refunds: the calls the bookings engine makes when money paid for a booking must move back.

This module is a boundary, not an implementation. The bookings engine records every decision
itself (the Dispute row and the booking's ``resolve`` event carry the resolution and the amount);
the billing issue implements what the money does. Until then NO MONEY MOVES: nothing is refunded,
released or posted to a ledger, and nothing here pretends otherwise.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def dispute_decision_apply(
    *, booking_id: int, refund_minor: int, currency: str, reference: str
) -> None:
    """Carry out a staff decision on a disputed booking.

    Called by ``bookings.services.disputes.dispute_resolve`` after its transaction commits,
    inside the marketplace's schema, once per decision:

    * ``refund_minor`` of ``currency`` (minor units) goes back to the customer: 0 for a release
      to the provider, what was paid for a full refund, anything between for a partial one;
      the rest of what was paid is released to the provider under the booking's fee split.
    * ``reference`` (``"dispute-<id>"``) is unique per decision: the implementation must treat a
      second call with the same reference as a no-op (it may be retried).

    The implementation must not call a payment provider inside a caller's row lock; it is
    called after commit, and should queue provider work (refund, payout release) as tasks.

    Not implemented yet (billing issue): returns without moving money.
    """
    logger.info(
        "dispute decision recorded, billing not yet wired: booking=%s refund_minor=%s %s ref=%s",
        booking_id,
        refund_minor,
        currency,
        reference,
    )
