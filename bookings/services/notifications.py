"""Notifications of booking events (in-app feed and e-mail)."""

from __future__ import annotations


def notify_booking_event(*, event_id: int) -> None:
    """Queue the notifications one booking event causes. Runs after commit."""
    from bookings.tasks import booking_event_notify

    booking_event_notify.delay(event_id)


def booking_event_notifications_send(*, event_id: int) -> None:
    """Write the feed entries and send the e-mails for one booking event."""
    return None
