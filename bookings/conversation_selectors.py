"""Reads of threads, messages and the notification feed; each runs a constant number of queries.

A thread is visible to its two parties; staff may read any thread (read-only), everyone else
gets 404. Unread counts come from ThreadReadMark: messages of the other side with an id past
the reader's mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.models import Message, Notification, Thread, ThreadReadMark
from bookings.roles import party_role
from config.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

THREAD_JOINS = ("booking__listing", "listing", "provider__user", "customer")
MESSAGE_PAGE_DEFAULT = 50
MESSAGE_PAGE_MAX = 100


class ReadState(TypedDict):
    """The viewer's read state that ``with_read_state`` annotates on each thread."""

    my_read_up_to: int
    read_by_other_up_to: int
    unread_count: int
    last_message_id: int | None


ThreadWithReadState: TypeAlias = "WithAnnotations[Thread, ReadState]"


def _mark_of(user, thread_ref="pk") -> Subquery:
    return Subquery(
        ThreadReadMark.objects.filter(thread=OuterRef(thread_ref), user=user).values(
            "last_read_message_id"
        )[:1],
        output_field=IntegerField(),
    )


def _others_mark(user, thread_ref="pk") -> Subquery:
    # Lowest mark among the participants other than ``user`` (for a party: the other party).
    return Subquery(
        ThreadReadMark.objects.filter(thread=OuterRef(thread_ref))
        .exclude(user=user)
        .order_by("last_read_message_id")
        .values("last_read_message_id")[:1],
        output_field=IntegerField(),
    )


def with_read_state(queryset: QuerySet, *, viewer) -> QuerySet:
    """Annotate threads with ``my_read_up_to``, ``read_by_other_up_to``, ``unread_count`` and
    ``last_message_id`` for ``viewer``."""
    unread = (
        Message.objects.filter(thread=OuterRef("pk"), id__gt=OuterRef("my_read_up_to"))
        .exclude(sender=viewer)
        .order_by()
        .values("thread")
        .annotate(count=Count("id"))
        .values("count")
    )
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-id").values("id")[:1]
    return queryset.annotate(
        my_read_up_to=Coalesce(_mark_of(viewer), Value(0)),
        read_by_other_up_to=Coalesce(_others_mark(viewer), Value(0)),
    ).annotate(
        unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        last_message_id=Subquery(last, output_field=IntegerField()),
    )


def thread_list(*, viewer) -> QuerySet:
    """The viewer's threads (as customer or provider), most recent activity first."""
    queryset = Thread.objects.select_related(*THREAD_JOINS).filter(
        Q(customer=viewer) | Q(provider__user=viewer)
    )
    return (
        with_read_state(queryset, viewer=viewer)
        .annotate(activity_at=Coalesce("last_message_at", "created_at"))
        .order_by("-activity_at", "-id")
    )


def attach_last_messages(threads) -> None:
    """Set ``thread.last_message`` (or None) on each thread, in one query."""
    ids = [t.last_message_id for t in threads if getattr(t, "last_message_id", None)]
    by_id: dict[int | None, Message] = (
        {m.pk: m for m in Message.objects.filter(pk__in=ids)} if ids else {}
    )
    for thread in threads:
        thread.last_message = by_id.get(getattr(thread, "last_message_id", None))


def role_in_thread(thread: Thread, viewer) -> str | None:
    return party_role(
        viewer, customer_id=thread.customer_id, provider_user_id=thread.provider.user_id
    )


def thread_for(viewer, thread_id: int) -> tuple[ThreadWithReadState, str]:
    """The thread (with read state for ``viewer``) and the viewer's role; 404 for strangers."""
    thread = (
        with_read_state(Thread.objects.select_related(*THREAD_JOINS), viewer=viewer)
        .filter(pk=thread_id)
        .first()
    )
    role = role_in_thread(thread, viewer) if thread else None
    if thread is None or role is None:
        raise NotFound(_("No such conversation."), code="thread_not_found")
    return thread, role


def thread_id_of_booking(booking_id: int) -> int | None:
    return Thread.objects.filter(booking_id=booking_id).values_list("pk", flat=True).first()


def thread_unread_total(*, viewer) -> int:
    """Messages from others in all the viewer's threads that the viewer has not read."""
    return (
        Message.objects.filter(Q(thread__customer=viewer) | Q(thread__provider__user=viewer))
        .exclude(sender=viewer)
        .annotate(read_up_to=Coalesce(_mark_of(viewer, "thread_id"), Value(0)))
        .filter(id__gt=F("read_up_to"))
        .count()
    )


@dataclass
class MessagePage:
    messages: list[Message]
    has_older: bool
    has_newer: bool


def _cursor(value: str | None, name: str) -> int | None:
    """A message id (or a page size) from the query; None when it was not sent."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise InvalidInput(
            _("“%(name)s” must be a message id.") % {"name": name},
            code="invalid_cursor",
            details={name: [_("Not an id.")]},
        )
    return int(value)


def message_page(
    *, thread: Thread, before: str | None = None, after: str | None = None, limit: str | None = None
) -> MessagePage:
    """A page of the thread's messages, oldest to newest within the page.

    No cursor: the newest ``limit`` messages. ``before=<id>``: the ``limit`` messages just
    older than that one (scrolling back). ``after=<id>``: the ``limit`` messages just newer
    (catching up). ``has_older`` / ``has_newer`` say whether more lie beyond the page."""
    before_id, after_id = _cursor(before, "before"), _cursor(after, "after")
    if before_id is not None and after_id is not None:
        raise InvalidInput(
            _("Use either before or after, not both."),
            code="invalid_cursor",
            details={"after": [_("Not with before.")]},
        )
    size = _cursor(limit, "limit") or MESSAGE_PAGE_DEFAULT
    size = min(size, MESSAGE_PAGE_MAX)
    queryset = Message.objects.filter(thread=thread)
    if after_id is not None:
        rows = list(queryset.filter(id__gt=after_id).order_by("id")[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        older = queryset.filter(id__lte=after_id).exists()
        return MessagePage(rows, has_older=older, has_newer=more)
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = list(reversed(rows[:size]))
    newer = (
        before_id is not None
        and queryset.model.objects.filter(thread=thread, id__gte=before_id).exists()
    )
    return MessagePage(rows, has_older=more, has_newer=newer)


def notification_feed(*, viewer) -> QuerySet:
    return Notification.objects.filter(user=viewer).order_by("-created_at", "-id")


def notification_unread_count(*, viewer) -> int:
    return Notification.objects.filter(user=viewer, read_at__isnull=True).count()
