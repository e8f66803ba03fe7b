from celery import shared_task

from bookings.services import balance_payments
from bookings.services.payments import bookings_release_due
from bookings.services.timers import bookings_run_due_timers
from tenants.task_base import send_to_each_marketplace


@shared_task(ignore_result=True)
def run_due_timers() -> dict[str, int]:
    """One marketplace's due timers, the releases of completed bookings' money, then the
    balances of deposit bookings that fall due; runs in the schema it was sent for."""
    ran = bookings_run_due_timers()
    ran["released"] = bookings_release_due()
    ran.update(balance_payments.bookings_balance_due_run())
    return ran


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def booking_balance_collect(booking_id: int) -> str:
    """A deposit booking's balance on its due day: charged off-session, else a payment link."""
    return balance_payments.booking_balance_collect(booking_id=booking_id)


@shared_task(ignore_result=True)
def run_due_timers_everywhere() -> int:
    """Beat entry (public schema): send each active marketplace its timers task."""
    return send_to_each_marketplace(run_due_timers)


# E-mail is sent by these two; a mail server that is down (OSError, SMTPException) is
# retried with backoff. Both are safe to run again: nothing is sent twice.
MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 6}


@shared_task(ignore_result=True, **MAIL_RETRY)
def booking_event_notify(event_id: int) -> None:
    from bookings.services.notifications import booking_event_notifications_send

    booking_event_notifications_send(event_id=event_id)


@shared_task(ignore_result=True, **MAIL_RETRY)
def tickets_email(booking_id: int) -> int:
    """E-mail an issued booking's tickets; runs in the schema it was sent for."""
    from bookings.services.tickets import tickets_email_send

    return tickets_email_send(booking_id=booking_id)
