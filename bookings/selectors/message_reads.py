"""The narrow reads of the live path: what writing a message (or a typing signal) reads of
its thread, and what rendering a message for one of its parties reads. They answer as
thread_get does (tests/bookings/test_message_reads.py holds them to it) with a fraction of
its work: every message sent and every message a socket delivers runs them.

Two of them are single statements written out, not ORM queries: compiling the equivalent
querysets (several joins, subqueries, narrow columns) took longer than running them. The
instances they make are deferred where they hold less than their model (reading a missing
field loads it).
"""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Actor, Booking, Message, Thread, ThreadReadMark
from bookings.selectors.messages import thread_of, thread_role_get, with_read_marks
from catalog.models import Listing, ProviderProfile
from config.errors import NotFound
from tenants.db import connection


# What writing to a thread reads: both parties (their language names the recipient's
# notification), the provider's name, the listing's title and whether the booking is paid
# (masking). Every message and typing signal reads it, so it is one statement written out:
# the equivalent queryset (five joins, narrow columns) took longer to compile than to run.
@cache  # made on first use, once the models are loaded
def _thread_to_write_sql() -> str:
    thread, booking, listing = Thread._meta.db_table, Booking._meta.db_table, Listing._meta.db_table
    profile, user = ProviderProfile._meta.db_table, User._meta.db_table
    users = ", ".join(f"{alias}.{name}" for alias in ("cu", "pu") for name in USER_FIELDS)
    return f"""
        SELECT t.id, t.booking_id, t.listing_id, t.provider_id, t.customer_id, t.created_at,
          t.last_message_at, l.title, b.listing_id, b.paid_minor, bl.title, p.display_name,
          p.user_id, {users}
        FROM {thread} t
        JOIN {profile} p ON p.id = t.provider_id
        JOIN {user} cu ON cu.id = t.customer_id
        JOIN {user} pu ON pu.id = p.user_id
        LEFT JOIN {listing} l ON l.id = t.listing_id
        LEFT JOIN {booking} b ON b.id = t.booking_id
        LEFT JOIN {listing} bl ON bl.id = b.listing_id
        WHERE t.id = %(thread)s
    """


USER_FIELDS = ("id", "email", "display_name", "language")


def thread_to_write(*, viewer, thread_id: int) -> tuple[Thread, str]:
    """What writing to a thread needs (its parties, listing title and booking), without the
    read state thread_get counts; 404 for strangers. The instances are deferred where they
    hold less than their model (reading a missing field loads it)."""
    with connection.prepared_cursor() as cursor:
        cursor.execute(_thread_to_write_sql(), {"thread": thread_id})
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No such conversation."), code="thread_not_found")
    (pk, booking_id, listing_id, provider_id, customer_id, created_at, last_message_at,
     listing_title, booking_listing_id, paid_minor, booking_listing_title, provider_name,
     provider_user_id) = row[:13]  # fmt: skip
    width = len(USER_FIELDS)
    customer, provider_user = (
        _deferred(User, **dict(zip(USER_FIELDS, row[start : start + width], strict=True)))
        for start in (13, 13 + width)
    )
    thread = _deferred(Thread, id=pk, booking_id=booking_id, listing_id=listing_id,
                       provider_id=provider_id, customer_id=customer_id, created_at=created_at,
                       last_message_at=last_message_at)  # fmt: skip
    thread.customer = customer
    thread.provider = _deferred(
        ProviderProfile, id=provider_id, user_id=provider_user_id, display_name=provider_name
    )
    thread.provider.user = provider_user
    thread.listing = (
        None if listing_id is None else _deferred(Listing, id=listing_id, title=listing_title)
    )
    if booking_id is None:
        thread.booking = None
    else:
        thread.booking = _deferred(
            Booking, id=booking_id, listing_id=booking_listing_id, paid_minor=paid_minor
        )
        thread.booking.listing = _deferred(
            Listing, id=booking_listing_id, title=booking_listing_title
        )
    role = thread_role_get(thread=thread, viewer=viewer)
    if role is None:
        raise NotFound(_("No such conversation."), code="thread_not_found")
    return thread, role


# What rendering a thread's message for a party reads: the parties, whether the booking is
# paid (masking) and both read marks (``read``). A socket renders every message it delivers:
# a narrow row compiles and loads in a fraction of thread_get's time.
RENDER_FIELDS = (
    *("id", "customer_id", "provider_id", "booking_id", "listing_id", "last_message_at"),
    *("provider__user_id", "booking__paid_minor"),
)


@cache  # made on first use, once the models are loaded
def _message_to_render_sql() -> str:
    message, thread = Message._meta.db_table, Thread._meta.db_table
    profile = Thread._meta.get_field("provider").related_model._meta.db_table
    booking = Thread._meta.get_field("booking").related_model._meta.db_table
    mark = ThreadReadMark._meta.db_table
    columns = ", ".join(f"m.{name}" for name in MESSAGE_FIELDS)
    return f"""
        SELECT {columns}, t.customer_id, t.provider_id, p.user_id, t.booking_id, b.paid_minor,
          COALESCE((SELECT last_read_message_id FROM {mark}
                    WHERE thread_id = t.id AND user_id = %(viewer)s), 0),
          COALESCE((SELECT min(last_read_message_id) FROM {mark}
                    WHERE thread_id = t.id AND user_id <> %(viewer)s), 0)
        FROM {message} m
        JOIN {thread} t ON t.id = m.thread_id
        JOIN {profile} p ON p.id = t.provider_id
        LEFT JOIN {booking} b ON b.id = t.booking_id
        WHERE m.id = %(message)s AND m.thread_id = %(thread)s
    """


def _deferred(model, **values):
    """An instance of ``model`` as loaded from the database with only ``values`` (attnames);
    its other fields are deferred."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, fields, [values[name] for name in fields])


# Message's columns that rendering reads (attnames, which are its column names too).
MESSAGE_FIELDS = (
    *("id", "thread_id", "sender_id", "body", "attachment", "attachment_name"),
    *("attachment_size", "attachment_type", "created_at"),
)


def message_to_render(*, viewer, thread_id: int, message_id: int) -> tuple[Message, Thread] | None:
    """A message of the thread, and the thread as thread_to_render reads it (its parties,
    whether its booking is paid, both read marks); None unless the message is in that thread
    and ``viewer`` is one of its two parties.

    Every socket renders every message it delivers with this, so it is one statement written
    out, not an ORM query: compiling the equivalent queryset (a join, two subqueries, narrow
    columns) took three times as long as running it. The instances it makes are deferred
    where they hold less than their model (reading a missing field loads it)."""
    with connection.prepared_cursor() as cursor:
        cursor.execute(
            _message_to_render_sql(),
            {"viewer": viewer.pk, "message": message_id, "thread": thread_id},
        )
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(MESSAGE_FIELDS)
    customer_id, provider_id, provider_user_id, booking_id, paid_minor, mine, others = row[width:]
    message = _deferred(Message, **dict(zip(MESSAGE_FIELDS, row[:width], strict=True)))
    thread = _deferred(Thread, id=thread_id, customer_id=customer_id, provider_id=provider_id,
                       booking_id=booking_id)  # fmt: skip
    thread.provider = _deferred(
        Thread._meta.get_field("provider").related_model, id=provider_id, user_id=provider_user_id
    )
    if booking_id is not None:
        thread.booking = _deferred(
            Thread._meta.get_field("booking").related_model, id=booking_id, paid_minor=paid_minor
        )
    role = thread_role_get(thread=thread, viewer=viewer)
    if role not in (Actor.CUSTOMER, Actor.PROVIDER):
        return None
    # The thread's read state as MessageSerializer reads it.
    thread.my_read_up_to, thread.read_by_other_up_to = mine, others
    message.thread = thread
    return message, thread


def thread_to_render(*, viewer, thread_id: int) -> tuple[Thread, str]:
    """The thread as MessageSerializer needs it to render a message for ``viewer``, who must
    be a party or staff; 404 for strangers."""
    queryset = with_read_marks(
        Thread.objects.select_related("provider", "booking").only(*RENDER_FIELDS), viewer=viewer
    )
    return thread_of(queryset, viewer=viewer, thread_id=thread_id)
