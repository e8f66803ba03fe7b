"""Celery tasks of event tickets (kept beside bookings.tasks, which other parts share)."""

from celery import shared_task


@shared_task(ignore_result=True)
def tickets_email(booking_id: int) -> int:
    """E-mail an issued booking's tickets; runs in the schema it was sent for."""
    from bookings.services.tickets import tickets_email_send

    return tickets_email_send(booking_id=booking_id)
