"""Texts of booking notifications (the in-app feed and the e-mails) and of the ticket e-mail,
through Django's i18n like every other string (locale/<language>/LC_MESSAGES/django.po, contexts
"notification" and "ticket e-mail"), rendered in the recipient's language (their own, else the
marketplace's: accounts.languages.recipient_language).

Each notification is a (title, body) pair formatted with ``number`` (the booking's number),
``listing`` (its listing's title) and, as its kind needs, ``sender``, ``count``, ``amount``
and ``link``. The e-mail subject is the title, prefixed with the marketplace's name.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from accounts.languages import recipient_language

TEXTS: dict[str, tuple[Promise, Promise]] = {
    "new_inquiry": (
        pgettext_lazy("notification", "New inquiry {number}"),
        pgettext_lazy("notification", "A customer asked about “{listing}”."),
    ),
    "new_request": (
        pgettext_lazy("notification", "New request {number}"),
        pgettext_lazy("notification", "A customer requested “{listing}”. Please reply soon."),
    ),
    "quote_received": (
        pgettext_lazy("notification", "Quote received for {number}"),
        pgettext_lazy("notification", "The provider sent a quote for “{listing}”."),
    ),
    "request_accepted": (
        pgettext_lazy("notification", "Request {number} accepted"),
        pgettext_lazy("notification", "Your request for “{listing}” was accepted."),
    ),
    "quote_accepted": (
        pgettext_lazy("notification", "Quote {number} accepted"),
        pgettext_lazy("notification", "The customer accepted your quote for “{listing}”."),
    ),
    "request_declined": (
        pgettext_lazy("notification", "Request {number} declined"),
        pgettext_lazy("notification", "Your request for “{listing}” was declined."),
    ),
    "quote_declined": (
        pgettext_lazy("notification", "Quote {number} declined"),
        pgettext_lazy("notification", "The customer declined your quote for “{listing}”."),
    ),
    "deposit_paid": (
        pgettext_lazy("notification", "Booking {number} confirmed"),
        pgettext_lazy("notification", "The deposit for “{listing}” has been paid."),
    ),
    "booking_paid": (
        pgettext_lazy("notification", "Booking {number} paid"),
        pgettext_lazy("notification", "“{listing}” has been paid in full."),
    ),
    "tickets_issued": (
        pgettext_lazy("notification", "Your tickets for {listing}"),
        pgettext_lazy("notification", "Your tickets ({number}) are issued. Enjoy!"),
    ),
    "delivered": (
        pgettext_lazy("notification", "Delivery for {number}"),
        pgettext_lazy("notification", "The provider delivered “{listing}”. Please review it."),
    ),
    "revision_requested": (
        pgettext_lazy("notification", "Revision requested on {number}"),
        pgettext_lazy("notification", "The customer asked for a revision."),
    ),
    "balance_due": (
        pgettext_lazy("notification", "Balance due for {number}"),
        pgettext_lazy(
            "notification", "The balance for “{listing}” is due now: {amount}. Pay it here: {link}"
        ),
    ),
    "balance_reminder": (
        pgettext_lazy("notification", "Reminder: balance unpaid for {number}"),
        pgettext_lazy(
            "notification",
            "The balance for “{listing}” ({amount}) is still unpaid; the booking will be "
            "cancelled if it stays unpaid. Pay it here: {link}",
        ),
    ),
    "completed": (
        pgettext_lazy("notification", "Booking {number} completed"),
        pgettext_lazy(
            "notification", "“{listing}” is complete. Please leave a review: it helps everyone."
        ),
    ),
    "dispute_opened": (
        pgettext_lazy("notification", "Dispute opened on {number}"),
        pgettext_lazy("notification", "A dispute was opened about “{listing}”."),
    ),
    "dispute_resolved": (
        pgettext_lazy("notification", "Dispute on {number} resolved"),
        pgettext_lazy("notification", "The dispute about “{listing}” was resolved."),
    ),
    "booking_cancelled": (
        pgettext_lazy("notification", "Booking {number} cancelled"),
        pgettext_lazy("notification", "The booking of “{listing}” was cancelled."),
    ),
    "booking_expired": (
        pgettext_lazy("notification", "Booking {number} expired"),
        pgettext_lazy("notification", "The booking of “{listing}” expired unanswered."),
    ),
    "refunded": (
        pgettext_lazy("notification", "Booking {number} refunded"),
        pgettext_lazy("notification", "Your payment for “{listing}” was refunded."),
    ),
    "new_message": (
        pgettext_lazy("notification", "New message from {sender}"),
        pgettext_lazy("notification", "{count} unread message(s) about “{listing}”."),
    ),
}

EMAIL_FOOTER = pgettext_lazy("notification", "Open {marketplace}: {url}")

# The ticket e-mail's sentences (bookings/templates/bookings/tickets/email.*).
TICKET_EMAIL: dict[str, Promise] = {
    "intro": pgettext_lazy("ticket e-mail", "Your tickets for {listing} (order {number})."),
    "code": pgettext_lazy("ticket e-mail", "Code"),
    "ticket": pgettext_lazy("ticket e-mail", "Ticket"),
    "open": pgettext_lazy("ticket e-mail", "Open or print this ticket"),
    "advice": pgettext_lazy(
        "ticket e-mail",
        "Show the QR code at the door, on screen or printed. Anyone with a ticket's "
        "code or link can use it: keep them to yourself.",
    ),
}


def ticket_email_texts(language: str, **values: Any) -> dict[str, str]:
    with translation.override(language):
        return {key: str(text).format(**values) for key, text in TICKET_EMAIL.items()}


def language_for(user, marketplace) -> str:
    """The user's language if the site has it, else the marketplace's, else the site's."""
    return recipient_language(user=user, marketplace=marketplace)


def render_text(kind: str, language: str, **values: Any) -> tuple[str, str]:
    """(title, body) of ``kind`` in ``language``."""
    title, body = TEXTS[kind]
    with translation.override(language):
        return str(title).format(**values), str(body).format(**values)


def email_footer(language: str, **values: Any) -> str:
    with translation.override(language):
        return str(EMAIL_FOOTER).format(**values)


def direction(language: str) -> str:
    return "rtl" if translation.get_language_info(language)["bidi"] else "ltr"
