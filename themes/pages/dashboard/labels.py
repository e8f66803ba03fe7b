"""Words the dashboard shows for the booking engine's codes (states and steps), in the page's
language; an unknown code (a new process's) is shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATE_LABELS = {
    "accepted": _("Accepted"),
    "cancelled": _("Cancelled"),
    "completed": _("Completed"),
    "confirmed": _("Confirmed"),
    "declined": _("Declined"),
    "delivered": _("Delivered"),
    "disputed": _("In dispute"),
    "ended": _("Ended"),
    "expired": _("Expired"),
    "in_progress": _("In progress"),
    "inquiry": _("Enquiry"),
    "issued": _("Tickets issued"),
    "live": _("Live"),
    "ordered": _("Ordered"),
    "paid": _("Paid"),
    "quoted": _("Quoted"),
    "refunded": _("Refunded"),
    "released": _("Released"),
    "requested": _("Requested"),
    "reserved": _("Reserved"),
    "resolved": _("Resolved"),
    "reviewed": _("Reviewed"),
    "revision_requested": _("Revision requested"),
}

# What each step is called in the timeline (something that happened) ...
EVENT_LABELS = {
    "accept": _("Accepted"),
    "cancel": _("Cancelled"),
    "complete": _("Completed"),
    "create": _("Created"),
    "decline": _("Declined"),
    "deliver": _("Delivered"),
    "dispute": _("Dispute opened"),
    "end": _("Ended"),
    "expire": _("Expired"),
    "issue": _("Tickets issued"),
    "pay": _("Paid"),
    "pay_deposit": _("Deposit paid"),
    "pay_final": _("Final payment made"),
    "quote": _("Quote sent"),
    "refund": _("Refunded"),
    "release": _("Released"),
    "request": _("Requested"),
    "request_revision": _("Revision requested"),
    "resolve": _("Dispute resolved"),
    "review": _("Reviewed"),
    "start": _("Started"),
}

# ... and on the button that takes it (something to do).
STEP_LABELS = {
    "accept": _("Accept the quote"),
    "cancel": _("Cancel"),
    "complete": _("Mark as complete"),
    "decline": _("Decline"),
    "end": _("End the session"),
    "release": _("Release the tickets"),
    "request": _("Send the request"),
    "request_revision": _("Ask for a revision"),
    "start": _("Start the session"),
}

ROLE_LABELS = {
    "customer": _("You"),
    "provider": _("Provider"),
    "staff": _("Marketplace staff"),
    "system": _("Automatic"),
}


def label(labels: dict, code: str | None) -> str:
    return str(labels.get(code or "", code or ""))
