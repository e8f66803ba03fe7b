"""A conversation's page, for either of its parties: the customer's /dashboard/messages/<id>/
and the provider's /provider/messages/<id>/ show the same thread with the same markup
(site/_thread.html) inside their own area.

Bodies are read through bookings.selectors.messages (masked as the API masks them); writing
goes through bookings.services.messages.message_send, with its rate limit and its judgement of
attachments; attachments download from the API's own address on this host (its session
authentication, the thread's parties only).

The page works as a form without JavaScript. ``site/thread.js`` makes it live over the user's
socket (/ws/live/, same origin, the session cookie): it resumes after the id of the user's
newest event when the page was made (``last_event_id``), read before the messages are, so
whatever happens between the page and the socket is delivered, at worst twice (the script
drops a message it already shows).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.selectors import messages as selectors
from bookings.services import messages as message_services
from config.errors import ServiceError
from realtime.selectors.events import live_stream_head
from tenants.db import connection
from themes.pages.common import form_refusal
from themes.pages.dashboard.forms import MessageForm
from themes.pages.dashboard.labels import STATE_LABELS, label


def thread_subject(thread) -> dict:
    listing = thread.listing or (thread.booking.listing if thread.booking_id else None)
    booking = thread.booking if thread.booking_id else None
    return {
        "listing": listing,
        "booking": booking,
        "state": label(STATE_LABELS, booking.state) if booking else "",
        "provider": thread.provider,
    }


def _message_rows(request, thread, found) -> list[dict]:
    rows = []
    for message in found:
        body, masked = selectors.message_body_for(message=message, thread=thread,
                                                  viewer=request.user)  # fmt: skip
        attachment = None
        if message.attachment:
            attachment = reverse(
                "api:thread-message-attachment",
                kwargs={"thread_id": thread.pk, "message_id": message.pk},
            )
        rows.append({"message": message, "body": body, "masked": masked,
                     "mine": message.sender_id == request.user.pk,
                     "attachment_url": attachment})  # fmt: skip
    return rows


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


# The thread page of each party: its template and its URL's name.
THREAD_PAGES = {
    "customer": ("site/dashboard/thread.html", "dashboard-thread"),
    "provider": ("site/provider/thread.html", "provider-thread"),
}


def thread_page(request, thread_id: int, *, role: str):
    """GET: the thread's newest messages (or those before ``?before=``); POST: send one.
    ``role``: the party this page is for; the thread's other party (or staff) finds nothing."""
    thread, found_role = selectors.thread_get(viewer=request.user, thread_id=thread_id)
    if found_role != role:
        raise Http404
    template, url_name = THREAD_PAGES[role]
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                message_services.message_send(
                    actor=request.user,
                    thread_id=thread.pk,
                    body=form.cleaned_data["body"],
                    upload=form.cleaned_data["attachment"],
                )
            except ServiceError as error:
                status = form_refusal(form, error)
            else:
                messages.success(request, _("Message sent."))
                return redirect(reverse(url_name, args=[thread.pk]) + "#latest")
    context = thread_context(request, thread, role=role, before=_before(request), form=form)
    return render(request, template, context, status=status)


def thread_context(request, thread, *, role: str, before: int | None = None, form=None) -> dict:
    """What site/_thread.html shows of ``thread`` to its party ``role`` (the reading room
    shows it too)."""
    # Before the messages: an event after this id is delivered by the socket, never lost.
    head = live_stream_head(schema=connection.schema_name, user_id=request.user.pk)
    page = selectors.message_page(thread=thread, before=before)
    if role == "customer":
        other_name = thread.provider.display_name
    else:
        other_name = thread.customer.display_name or _("Customer")
    return {
        "thread": thread,
        "rows": _message_rows(request, thread, page.messages),
        "has_older": page.has_older,
        "older_than": page.messages[0].pk if page.messages else None,
        "hidden": selectors.message_masking_for(thread=thread, viewer=request.user) is not None,
        "form": form or MessageForm(),
        "other_name": other_name,
        "thread_url": reverse(THREAD_PAGES[role][1], args=[thread.pk]),
        # Only the customer's dashboard has a button to mark a thread read without JavaScript.
        "read_url": reverse("dashboard-thread-read", args=[thread.pk])
        if role == "customer"
        else None,
        # Older messages are a page of history: nothing arrives there live.
        "live": before is None,
        "last_event_id": head,
        **thread_subject(thread),
    }
