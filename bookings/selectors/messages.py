"""Reads of threads and messages; each runs a constant number of queries.

A thread is visible to its two parties; staff may read any thread (read-only), everyone else
gets 404. Unread counts come from ThreadReadMark: messages of the other side with an id past
the reader's mark.

Contact details in message bodies are hidden when read until the booking is paid. Bodies are
stored as written and masked at read time, so the details appear once the booking is paid.
Both sides see the masked text (the sender too): one rule for everyone, and a sender never
gets the impression their number went through.

Recognised: e-mail addresses, "name at domain dot com" spellings, and phone numbers of 7 to 15
digits in international (+964…, 00964…) or local (0770…, (020) 7946…) formats with spaces,
dashes, dots or slashes between groups, in Western or Arabic-Indic digits. Dates (2027-06-12,
12.06.2027) and amounts grouped in thousands (1 500 000) are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias, TypedDict, cast

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.models import Message, Thread, ThreadReadMark
from bookings.notification_texts import language_for
from bookings.selectors.bookings import party_role
from catalog.models import ProviderProfile
from config.errors import NotFound
from tenants.db import connection

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


def with_read_marks(queryset: QuerySet, *, viewer) -> QuerySet:
    """Annotate threads with ``my_read_up_to`` and ``read_by_other_up_to`` for ``viewer``."""
    return queryset.annotate(
        my_read_up_to=Coalesce(_mark_of(viewer), Value(0)),
        read_by_other_up_to=Coalesce(_others_mark(viewer), Value(0)),
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
    return with_read_marks(queryset, viewer=viewer).annotate(
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


def thread_role_get(*, thread: Thread, viewer) -> str | None:
    return party_role(
        viewer, customer_id=thread.customer_id, provider_user_id=thread.provider.user_id
    )


def thread_of(queryset: QuerySet, *, viewer, thread_id: int):
    thread = queryset.filter(pk=thread_id)[:1]
    found = thread[0] if thread else None
    role = thread_role_get(thread=found, viewer=viewer) if found else None
    if found is None or role is None:
        raise NotFound(_("No such conversation."), code="thread_not_found")
    return found, role


def thread_get(*, viewer, thread_id: int) -> tuple[ThreadWithReadState, str]:
    """The thread (with read state for ``viewer``) and the viewer's role; 404 for strangers."""
    queryset = with_read_state(Thread.objects.select_related(*THREAD_JOINS), viewer=viewer)
    return thread_of(queryset, viewer=viewer, thread_id=thread_id)


def message_attachment_get(*, viewer, thread_id: int, message_id: int) -> Message:
    """A message of the thread that carries a file; 404 for strangers and for no file."""
    thread, _role = thread_get(viewer=viewer, thread_id=thread_id)
    message = Message.objects.filter(pk=message_id, thread=thread).first()
    if message is None or not message.attachment:
        raise NotFound(_("No such attachment."), code="attachment_not_found")
    return message


def thread_id_of_booking(*, booking_id: int) -> int | None:
    return Thread.objects.filter(booking_id=booking_id).values_list("pk", flat=True).first()


def thread_unread_total(*, viewer) -> int:
    """Messages from others in all the viewer's threads that the viewer has not read.

    Both parties are matched on the thread's own columns, so the threads are found by their
    indexes (an OR that reached into the provider's profile read every thread)."""
    own_profile = ProviderProfile.objects.filter(user=viewer).values("pk")[:1]
    return (
        Message.objects.filter(
            Q(thread__customer=viewer) | Q(thread__provider_id=Subquery(own_profile))
        )
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


def message_page(
    *, thread: Thread, before: int | None = None, after: int | None = None, limit: int | None = None
) -> MessagePage:
    """A page of the thread's messages, oldest to newest within the page.

    No cursor: the newest ``limit`` messages. ``before=<id>``: the ``limit`` messages just
    older than that one (scrolling back). ``after=<id>``: the ``limit`` messages just newer
    (catching up); the caller gives at most one of them. ``limit`` 0 or None: the default;
    at most MESSAGE_PAGE_MAX. ``has_older`` / ``has_newer`` say whether more lie beyond the
    page."""
    size = min(limit or MESSAGE_PAGE_DEFAULT, MESSAGE_PAGE_MAX)
    queryset = Message.objects.filter(thread=thread)
    if after is not None:
        rows = list(queryset.filter(id__gt=after).order_by("id")[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        older = queryset.filter(id__lte=after).exists()
        return MessagePage(rows, has_older=older, has_newer=more)
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = list(reversed(rows[:size]))
    newer = (
        before is not None and queryset.model.objects.filter(thread=thread, id__gte=before).exists()
    )
    return MessagePage(rows, has_older=more, has_newer=newer)


# --- Contact masking ------------------------------------------------------------------------------

MASK_TEXT = {
    "en": "[contact hidden until booking is paid]",
    "ar": "[بيانات الاتصال مخفية حتى دفع الحجز]",
}

# Each pattern starts only where its first run of characters starts (the lookbehinds): else
# every position inside a long word would start a fresh scan to its end, quadratic (and
# cubic with the backtracking of the spelled form) in a body of one long word.
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# "name at domain dot com", "name (at) domain (dot) com", "name [at] domain [dot] co [dot] uk".
SPELLED_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*[(\[{]?\s*\bat\b\s*[)\]}]?\s*[\w-]+"
    r"(?:\s*[(\[{]?\s*\bdot\b\s*[)\]}]?\s*[^\W\d_]{2,})+",
    re.IGNORECASE,
)
# A run of digits with at most three separators between neighbours; judged by `_is_phone`.
PHONE_CANDIDATE = re.compile(r"(?<!\w)(?:\+|00)?[\s(]*\d(?:[\s\-./()]{0,3}\d){6,}(?!\w)")
DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
THOUSANDS = re.compile(r"^\d{1,3}(?:[ .,]\d{3})+$")


def _is_phone(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not 7 <= digits <= 15:
        return False
    compact = candidate.strip(" ()")
    return not (DATE_LIKE.match(compact) or THOUSANDS.match(compact))


def mask_text_for(language: str) -> str:
    return MASK_TEXT.get(language, MASK_TEXT["en"])


def mask_contact_details(text: str, *, replacement: str = MASK_TEXT["en"]) -> tuple[str, bool]:
    """``text`` with e-mail addresses and phone numbers replaced; and whether any were."""
    found = False

    def hide(match: re.Match) -> str:
        nonlocal found
        found = True
        return replacement

    def hide_phone(match: re.Match) -> str:
        nonlocal found
        if not _is_phone(match.group(0)):
            return match.group(0)
        found = True
        # Keep the whitespace the match swallowed at its start, so words stay apart.
        lead = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
        return lead + replacement

    text = EMAIL.sub(hide, text)
    text = SPELLED_EMAIL.sub(hide, text)
    text = PHONE_CANDIDATE.sub(hide_phone, text)
    return text, found


def thread_masks_contacts(thread) -> bool:
    """Whether contact details in this thread are hidden now: the marketplace masks them and
    the thread has no booking, or its booking has not been paid anything yet."""
    if not getattr(connection.tenant, "mask_contact_details", False):
        return False
    booking = thread.booking if thread.booking_id else None
    return booking is None or booking.paid_minor <= 0


def message_masking_for(*, thread: Thread, viewer) -> str | None:
    """The text that replaces contact details for this viewer, or None when nothing is hidden."""
    # False: not worked out yet for this thread object.
    cache = cast("str | None | Literal[False]", getattr(thread, "_mask_text", False))
    if cache is False:
        hidden = thread_masks_contacts(thread)
        language = language_for(viewer, connection.tenant)
        cache = mask_text_for(language) if hidden else None
        thread._mask_text = cache  # type: ignore[attr-defined]
    return cache


def message_body_for(*, message: Message, thread: Thread, viewer) -> tuple[str, bool]:
    """The message's body as this viewer reads it, and whether anything was hidden."""
    replacement = message_masking_for(thread=thread, viewer=viewer)
    if replacement is None:
        return message.body, False
    return mask_contact_details(message.body, replacement=replacement)
