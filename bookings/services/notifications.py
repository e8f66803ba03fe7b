"""Notifications of booking events and new messages: the in-app feed and e-mail.

Every BookingEvent queues ``booking_event_notify`` on commit (see transitions.record_event);
the task runs ``booking_event_notifications_send`` in the marketplace's schema. Who hears of
what is the rule of the event's step (bookings.services.steps), so a new process built of
known names needs no code here. Texts are in bookings.notification_texts, in the recipient's
language (their own, else the marketplace's).

Idempotent: a feed entry carries its event's id, and an event never makes a second entry for
the same user; each entry's e-mail is claimed (``emailed_at``) before it is sent, so a task
run twice, or twice at once, sends each e-mail once. Mail goes out after the rows are
committed, never inside the event's row lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.live_events import live_event_publish
from billing.services.payment_links import payment_link_url
from bookings.models import Actor, Booking, BookingEvent, Notification
from bookings.notification_texts import direction, email_footer, language_for, render_text
from bookings.services.payments import booking_payment_due
from bookings.services.steps import BOTH, CUSTOMER, OTHER, PROVIDER, step_of
from config.errors import InvalidInput, NotFound
from tenants.db import connection

MESSAGE_KIND = "new_message"
# Live events (accounts.services.live_events): an entry of the user's feed was made or changed
# (its id), and their unread counts may have moved. The socket reads the entry and the counts
# themselves (bookings.selectors) when it delivers the event.
NOTIFICATION_EVENT = "notification"
COUNTS_EVENT = "counts"


def _entries_announced(entries: list[Notification]) -> None:
    for entry in entries:
        live_event_publish(
            user_ids=[entry.user_id], kind=NOTIFICATION_EVENT, data={"notification_id": entry.pk}
        )
    notification_counts_changed(user_ids=[entry.user_id for entry in entries])


def notification_counts_changed(*, user_ids) -> None:
    """Tell these users' sockets (after commit) that their unread counts may have moved."""
    live_event_publish(user_ids=user_ids, kind=COUNTS_EVENT, data={})


@dataclass(frozen=True)
class Planned:
    user: User
    kind: str


def _users_for(role: str, event: BookingEvent) -> list[User]:
    booking = event.booking
    customer, provider = booking.customer, booking.provider.user
    if role == CUSTOMER:
        return [customer]
    if role == PROVIDER:
        return [provider]
    if role == BOTH:
        return [customer, provider]
    if role == OTHER:
        if event.actor_role == Actor.CUSTOMER:
            return [provider]
        if event.actor_role == Actor.PROVIDER:
            return [customer]
        return [customer, provider]
    return list(User.objects.filter(role=User.Role.STAFF, is_active=True).order_by("pk"))


def _plan(event: BookingEvent) -> list[Planned]:
    planned: dict[int, Planned] = {}
    for kind, roles in step_of(event.transition).notifications(event):
        for role in roles:
            for user in _users_for(role, event):
                planned.setdefault(user.pk, Planned(user, kind))
    return list(planned.values())


# Events whose texts carry a payment link for what the booking's customer owes now.
PAYMENT_LINK_EVENTS = frozenset({"balance_due", "balance_reminder"})


def _text_values(booking: Booking, event: BookingEvent | None = None) -> dict[str, str]:
    values = {"number": booking.number, "listing": booking.listing.title}
    if event is not None and event.transition in PAYMENT_LINK_EVENTS:
        due = booking_payment_due(booking)
        values["amount"] = str(due.amount) if due else ""
        values["link"] = payment_link_url(subject=f"booking:{booking.pk}")
    return values


def booking_event_notifications_send(*, event_id: int) -> list[Notification]:
    """Write the feed entries and send the e-mails for one booking event; returns the entries
    this call created (none when the event was already notified)."""
    marketplace = connection.tenant
    with transaction.atomic():
        event = (
            BookingEvent.objects.select_for_update(of=("self",))
            .select_related("booking__listing", "booking__provider__user", "booking__customer")
            .filter(pk=event_id)
            .first()
        )
        if event is None:
            return []
        already = set(
            Notification.objects.filter(
                booking_id=event.booking_id, data__event_id=event.pk
            ).values_list("user_id", flat=True)
        )
        values = _text_values(event.booking, event)
        created = []
        for planned in _plan(event):
            if planned.user.pk in already or not planned.user.is_active:
                continue
            title, body = render_text(
                planned.kind, language_for(planned.user, marketplace), **values
            )
            created.append(
                Notification(
                    user=planned.user,
                    kind=planned.kind,
                    booking=event.booking,
                    title=title,
                    body=body,
                    data={
                        "event_id": event.pk,
                        "transition": event.transition,
                        "booking_number": event.booking.number,
                        "state": event.to_state,
                    },
                )
            )
        Notification.objects.bulk_create(created)
        if created:
            _entries_announced(created)
    pending = Notification.objects.filter(
        booking_id=event.booking_id, data__event_id=event_id, emailed_at__isnull=True
    ).select_related("user")
    for notification in pending:
        notification_email_send(notification=notification)
    return created


def notification_email_send(*, notification: Notification) -> bool:
    """Send one entry's e-mail unless it went already; claims it first so it goes once."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=now
    )
    if not claimed or not notification.user.email:
        return False
    try:
        _email(notification).send()
    except Exception:
        # Unclaim, so a retry of the task sends it.
        Notification.objects.filter(pk=notification.pk, emailed_at=now).update(emailed_at=None)
        raise
    notification.emailed_at = now
    return True


def _email(notification: Notification) -> EmailMultiAlternatives:
    marketplace = connection.tenant
    user = notification.user
    language = language_for(user, marketplace)
    url = marketplace.absolute_url("/")
    context = {
        "title": notification.title,
        "body": notification.body,
        "footer": email_footer(language, marketplace=marketplace.name, url=url),
        "url": url,
        "marketplace_name": marketplace.name,
        "language": language,
        "direction": direction(language),
    }
    message = EmailMultiAlternatives(
        subject=f"[{marketplace.name}] {notification.title}",
        body=render_to_string("bookings/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Content-Language": language},
    )
    message.attach_alternative(
        render_to_string("bookings/email/notification.html", context), "text/html"
    )
    # Read by anymail backends (ESP tags and metadata); ignored by Django's own backends.
    message.tags = ["booking", notification.kind]  # type: ignore[attr-defined]
    message.metadata = {  # type: ignore[attr-defined]
        "marketplace": connection.schema_name,
        "notification_id": notification.pk,
    }
    return message


# The unread-messages entry of one thread for one user, locked, and raising it (every message
# runs them, so they are written out: the ORM's JSON lookup took longer to compile than the
# statement to run). Made on first use, once the models are loaded.
@cache
def _entry_of_thread_sql() -> str:
    return f"""
        SELECT id, COALESCE((data ->> 'count')::int, 0) FROM {Notification._meta.db_table}
        WHERE user_id = %(user)s AND kind = %(kind)s AND read_at IS NULL
          AND data -> 'thread_id' = to_jsonb(%(thread)s::int)
        ORDER BY created_at DESC, id DESC LIMIT 1
        FOR UPDATE
    """


@cache
def _entry_raise_sql() -> str:
    return f"""
        UPDATE {Notification._meta.db_table} SET title = %(title)s, body = %(body)s,
          data = %(data)s::jsonb, created_at = %(now)s
        WHERE id = %(id)s
    """


def notification_new_message(*, thread, recipient: User, sender_name: str) -> Notification:
    """The in-app entry for unread messages in a thread: one per thread while unread, its
    count raised by each new message (no e-mail). Call inside the message's transaction."""
    marketplace = connection.tenant
    listing = thread.listing or (thread.booking.listing if thread.booking_id else None)
    with connection.prepared_cursor() as cursor:
        cursor.execute(
            _entry_of_thread_sql(),
            {"user": recipient.pk, "kind": MESSAGE_KIND, "thread": thread.pk},
        )
        found = cursor.fetchone()
    count = (found[1] if found else 0) + 1
    title, body = render_text(
        MESSAGE_KIND,
        language_for(recipient, marketplace),
        sender=sender_name,
        count=count,
        listing=listing.title if listing else thread.provider.display_name,
    )
    data = {"thread_id": thread.pk, "count": count}
    if found is None:
        entry = Notification.objects.create(
            user=recipient,
            kind=MESSAGE_KIND,
            booking_id=thread.booking_id,
            title=title,
            body=body,
            data=data,
        )
    else:
        now = timezone.now()
        with connection.prepared_cursor() as cursor:
            cursor.execute(
                _entry_raise_sql(),
                {"title": title, "body": body, "data": json.dumps(data), "now": now,
                 "id": found[0]},
            )  # fmt: skip
        entry = Notification(id=found[0], user_id=recipient.pk, kind=MESSAGE_KIND,
                             booking_id=thread.booking_id, title=title, body=body, data=data,
                             created_at=now)  # fmt: skip
    _entries_announced([entry])
    return entry


def notifications_of_thread_read(*, thread_id: int, user: User) -> int:
    """Mark the unread-messages entry of a thread read, once its reader caught up."""
    return Notification.objects.filter(
        user=user, kind=MESSAGE_KIND, read_at__isnull=True, data__thread_id=thread_id
    ).update(read_at=timezone.now())


def notifications_mark_read(
    *, actor: User, ids: list[int] | None = None, everything: bool = False
) -> int:
    """Mark the actor's entries read: the listed ones (404 if any is not theirs) or all."""
    if everything == (ids is not None):
        raise InvalidInput(
            _("Send either a list of ids or all: true."),
            code="invalid_selection",
            details={"ids": [_("Give ids or all, not both or neither.")]},
        )
    mine = Notification.objects.filter(user=actor)
    now = timezone.now()
    if everything:
        marked = mine.filter(read_at__isnull=True).update(read_at=now)
    else:
        wanted = set(ids or [])
        with transaction.atomic():
            found = set(mine.filter(pk__in=wanted).values_list("pk", flat=True))
            if found != wanted:
                raise NotFound(
                    _("Some of these notifications do not exist."),
                    code="notification_not_found",
                    details={"ids": sorted(wanted - found)},
                )
            marked = mine.filter(pk__in=wanted, read_at__isnull=True).update(read_at=now)
    if marked:
        notification_counts_changed(user_ids=[actor.pk])
    return marked


def notify_booking_event(*, event_id: int) -> None:
    """Queue the notifications one booking event causes. Runs after commit."""
    from bookings.tasks import booking_event_notify

    booking_event_notify.delay(event_id)
