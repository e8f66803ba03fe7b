"""Messages between a customer and a provider: per booking (the thread booking_create makes)
or per pre-booking inquiry about a listing or a provider.

Only the two parties write; staff may read (bookings.selectors.messages). Every message
counts against the sender's rate limit (rate_limit), attachments are judged by their bytes
(attachments), bodies are stored as written and masked when read (the selectors again). A
new message raises the other party's unread-messages entry in the notification feed (in-app
only).
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services.live_events import live_event_publish, live_events_batch
from bookings import files
from bookings.files import CheckedFile
from bookings.models import Actor, Message, Thread, ThreadReadMark
from bookings.selectors.message_reads import thread_to_write
from bookings.selectors.messages import thread_get
from bookings.services.messages.attachments import attachment_check
from bookings.services.messages.rate_limit import message_rate_check, message_rate_keys
from bookings.services.notifications import (
    notification_counts_changed,
    notification_new_message,
    notifications_of_thread_read,
)
from catalog.models import Listing, ProviderProfile
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed, NotFound
from tenants.db import connection

__all__ = [
    "MAX_BODY",
    "message_rate_keys",
    "message_send",
    "thread_inquiry_start",
    "thread_mark_read",
]

MAX_BODY = 5000


def _clean_body(body: str | None, *, has_attachment: bool) -> str:
    body = (body or "").strip()
    if not body and not has_attachment:
        raise InvalidInput(
            _("Write a message or attach a file."),
            code="empty_message",
            details={"body": [_("Required without an attachment.")]},
        )
    if len(body) > MAX_BODY:
        raise InvalidInput(
            _("A message has at most %(limit)s characters.") % {"limit": MAX_BODY},
            code="message_too_long",
            details={"body": [_("At most %(limit)s characters.") % {"limit": MAX_BODY}]},
        )
    return body


def _require_party(role: str) -> None:
    if role == Actor.STAFF:
        raise NotAllowed(
            _("Staff may read this conversation but not write in it."), code="staff_read_only"
        )


def _sender_name(thread: Thread, sender) -> str:
    if sender.pk == thread.provider.user_id:
        return thread.provider.display_name
    return sender.display_name or sender.email.split("@")[0]


def _advance_mark(thread_id: int, user, up_to: int) -> None:
    """Move the user's read mark forward to ``up_to`` (never back)."""
    now = timezone.now()
    # Most marks exist already: one UPDATE moves one forward, never back (PostgreSQL checks
    # the condition again on the locked row, so a concurrent move to a later message wins).
    moved = ThreadReadMark.objects.filter(
        thread_id=thread_id, user=user, last_read_message_id__lt=up_to
    ).update(last_read_message_id=up_to, read_at=now)
    if not moved:
        ThreadReadMark.objects.get_or_create(
            thread_id=thread_id, user=user, defaults={"last_read_message_id": up_to, "read_at": now}
        )


def _parties(thread: Thread) -> list[int]:
    return [thread.customer_id, thread.provider.user_id]


# A message, its thread's time of last message and the sender's read mark (writing a message
# means having read the thread up to it; a mark only moves forward), in one statement: every
# message runs it, and the three ORM writes took longer to compile than to run.
@cache  # made on first use, once the models are loaded
def _post_sql() -> str:
    message, thread = Message._meta.db_table, Thread._meta.db_table
    mark = ThreadReadMark._meta.db_table
    return f"""
        WITH posted AS (
          INSERT INTO {message} (thread_id, sender_id, body, attachment, attachment_name,
            attachment_size, attachment_type, created_at)
          VALUES (%(thread)s, %(sender)s, %(body)s, %(attachment)s, %(attachment_name)s,
            %(attachment_size)s, %(attachment_type)s, %(now)s)
          RETURNING id
        ), touched AS (
          UPDATE {thread} SET last_message_at = %(now)s WHERE id = %(thread)s
        ), marked AS (
          INSERT INTO {mark} (thread_id, user_id, last_read_message_id, read_at)
          SELECT %(thread)s, %(sender)s, id, %(now)s FROM posted
          ON CONFLICT (thread_id, user_id) DO UPDATE
            SET last_read_message_id = EXCLUDED.last_read_message_id, read_at = EXCLUDED.read_at
            WHERE {mark}.last_read_message_id < EXCLUDED.last_read_message_id
        )
        SELECT id FROM posted
    """


def _post(thread: Thread, *, sender, body: str, attachment: CheckedFile | None) -> Message:
    """Write the message inside the caller's transaction."""
    message = Message(thread=thread, sender=sender, body=body, created_at=timezone.now())
    if attachment is not None:
        message.attachment_name = attachment.name
        message.attachment_size = attachment.size
        message.attachment_type = attachment.content_type
        files.file_store(message.attachment, attachment)
    with connection.prepared_cursor() as cursor:
        cursor.execute(
            _post_sql(),
            {
                "thread": thread.pk,
                "sender": sender.pk,
                "body": body,
                "attachment": message.attachment.name or "",
                "attachment_name": message.attachment_name,
                "attachment_size": message.attachment_size,
                "attachment_type": message.attachment_type,
                "now": message.created_at,
            },
        )
        message.pk = cursor.fetchone()[0]
    message._state.adding = False  # as a saved instance is
    thread.last_message_at = message.created_at
    recipient = thread.provider.user if sender.pk == thread.customer_id else thread.customer
    with live_events_batch():
        live_event_publish(
            user_ids=_parties(thread),
            kind="message.new",
            data={"thread_id": thread.pk, "message_id": message.pk},
        )
        notification_new_message(
            thread=thread, recipient=recipient, sender_name=_sender_name(thread, sender)
        )
    return message


@contextmanager
def _checked(sender, *, body: str | None, upload):
    """Clean the body, count the message against the sender's limits, judge the attachment;
    yield (body, attachment). If the block fails, a file it stored is removed again."""
    body = _clean_body(body, has_attachment=upload is not None)
    message_rate_check(user_id=sender.pk)
    attachment = attachment_check(upload) if upload is not None else None
    with files.removed_on_failure([attachment]):
        yield body, attachment


def message_send(*, actor, thread_id: int, body: str | None = None, upload=None) -> Message:
    """Post a message (text, an attachment, or both) in a thread the actor is a party to."""
    thread, role = thread_to_write(viewer=actor, thread_id=thread_id)
    _require_party(role)
    with (
        _checked(actor, body=body, upload=upload) as (clean_body, attachment),
        transaction.atomic(),
    ):
        return _post(thread, sender=actor, body=clean_body, attachment=attachment)


def thread_inquiry_start(
    *,
    actor,
    body: str | None,
    listing_id: int | None = None,
    provider_id: int | None = None,
    upload=None,
) -> tuple[Thread, Message, bool]:
    """Ask a provider about a listing (or about themselves) before booking: the first message
    of the actor's inquiry thread with that provider and listing, made if it does not exist
    yet. Returns (thread, message, whether the thread is new)."""
    if not actor or not actor.is_authenticated:
        raise NotFound(_("No such listing."), code="listing_not_found")
    if (listing_id is None) == (provider_id is None):
        raise InvalidInput(
            _("Name a listing or a provider."),
            code="invalid_subject",
            details={"listing_id": [_("Give listing_id or provider_id, one of them.")]},
        )
    listing = None
    if listing_id is not None:
        listing = (
            Listing.objects.select_related("provider__user")
            .filter(pk=listing_id, status=Listing.Status.PUBLISHED)
            .first()
        )
        if listing is None:
            raise NotFound(_("No such listing."), code="listing_not_found")
        provider = listing.provider
    else:
        assert provider_id is not None  # exactly one of the two, checked above
        found = ProviderProfile.objects.select_related("user").filter(pk=provider_id).first()
        if found is None or not found.user.is_active:
            raise NotFound(_("No such provider."), code="provider_not_found")
        provider = found
    if provider.user_id == actor.pk:
        raise BusinessRuleViolation(_("You cannot message yourself."), code="own_listing")
    with (
        _checked(actor, body=body, upload=upload) as (clean_body, attachment),
        transaction.atomic(),
    ):
        thread, created = Thread.objects.get_or_create(
            booking=None, customer=actor, provider=provider, listing=listing
        )
        message = _post(thread, sender=actor, body=clean_body, attachment=attachment)
    return thread, message, created


def thread_mark_read(*, actor, thread_id: int, up_to: int | None = None) -> ThreadReadMark:
    """Read receipt: the actor has read the thread up to message ``up_to`` (default: the
    newest). Marks only move forward; an id past the newest message counts as the newest."""
    thread, role = thread_get(viewer=actor, thread_id=thread_id)
    _require_party(role)
    if up_to is not None and (isinstance(up_to, bool) or not isinstance(up_to, int) or up_to < 0):
        raise InvalidInput(
            _("up_to must be a message id."), code="invalid", details={"up_to": [_("Not an id.")]}
        )
    newest = thread.last_message_id or 0
    target = newest if up_to is None else min(up_to, newest)
    with transaction.atomic(), live_events_batch():
        _advance_mark(thread.pk, actor, target)
        mark = ThreadReadMark.objects.get(thread_id=thread.pk, user=actor)
        live_event_publish(
            user_ids=_parties(thread),
            kind="thread.read",
            data={
                "thread_id": thread.pk,
                "reader_id": actor.pk,
                "last_read_message_id": mark.last_read_message_id,
            },
        )
        if mark.last_read_message_id >= newest:
            notifications_of_thread_read(thread_id=thread.pk, user=actor)
        # The reader's unread total moved, whether or not their feed entry did.
        notification_counts_changed(user_ids=[actor.pk])
    return mark
