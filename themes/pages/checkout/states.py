"""What a booking's state means to its customer, in words: its label and what happens next.
The states are the processes' (bookings/processes/*.json); an unknown one reads as its name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "inquiry": _("Question sent"),
    "requested": _("Requested"),
    "quoted": _("Quoted"),
    "accepted": _("Accepted"),
    "ordered": _("Awaiting payment"),
    "reserved": _("Reserved"),
    "confirmed": _("Confirmed: deposit paid"),
    "paid": _("Confirmed: paid"),
    "issued": _("Confirmed: tickets issued"),
    "in_progress": _("In progress"),
    "delivered": _("Delivered"),
    "live": _("Live"),
    "ended": _("Ended"),
    "completed": _("Completed"),
    "declined": _("Declined"),
    "expired": _("Expired"),
    "cancelled": _("Cancelled"),
    "released": _("Released"),
}
HINTS = {
    "inquiry": _("The provider will answer your question."),
    "requested": _("The provider will answer your request; you pay once they accept."),
    "quoted": _("The provider sent a price: accept it to pay."),
    "accepted": _("Accepted: pay to confirm."),
    "ordered": _("Pay to confirm your order."),
    "reserved": _("Your tickets are held for a few minutes: pay to confirm them."),
    "confirmed": _("Your booking is confirmed. The balance is due before the date."),
    "paid": _("Your booking is confirmed."),
    "issued": _("Your booking is confirmed; your tickets are e-mailed to you."),
}
# Where a process gives a state another meaning for its customer.
PROCESS_HINTS = {
    ("metered_session", "requested"): _(
        "The reader will answer your request; the reading is paid by the minute from your balance."
    ),
    ("metered_session", "accepted"): _(
        "Your reader accepted: the reading is paid by the minute from your balance."
    ),
}
CONFIRMED = {"confirmed", "paid", "issued", "in_progress", "delivered", "completed", "reviewed"}


def state_label(state: str) -> str:
    label = LABELS.get(state)
    return str(label) if label else state.replace("_", " ")


def state_hint(state: str, process: str = "") -> str:
    hint = PROCESS_HINTS.get((process, state)) or HINTS.get(state)
    return str(hint) if hint else ""


PAYMENT_LABELS = {
    "pending": _("Waiting for payment"),
    "paid": _("Paid"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired"),
    "refund_pending": _("Refund on its way"),
    "refunded": _("Refunded"),
    "partially_refunded": _("Partly refunded"),
}


def payment_state_label(state: str) -> str:
    label = PAYMENT_LABELS.get(state)
    return str(label) if label else state.replace("_", " ")
