"""/dashboard/messages/: the customer's conversations and one of them, with a form to write
(text, an attachment or both). Bodies are read through bookings.selectors.messages (masked
as the API masks them); writing goes through bookings.services.messages.message_send, with
its rate limit and its judgement of attachments; attachments download from the API's own
address on this host (its session authentication, the thread's parties only)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings.selectors import messages as selectors
from bookings.services import messages as message_services
from config.errors import ServiceError
from themes.pages.common import form_refusal, page_of
from themes.pages.dashboard.common import customer_page, posted
from themes.pages.dashboard.forms import MessageForm
from themes.pages.dashboard.labels import STATE_LABELS, label


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


def _subject(thread) -> dict:
    listing = thread.listing or (thread.booking.listing if thread.booking_id else None)
    booking = thread.booking if thread.booking_id else None
    return {
        "listing": listing,
        "booking": booking,
        "state": label(STATE_LABELS, booking.state) if booking else "",
        "provider": thread.provider,
    }


@require_safe
@customer_page
def thread_list(request):
    page = page_of(request, selectors.thread_list(viewer=request.user))
    threads = list(page)
    selectors.attach_last_messages(threads)
    rows = []
    for thread in threads:
        last = thread.last_message
        preview = ""
        if last is not None:
            preview = selectors.message_body_for(message=last, thread=thread, viewer=request.user)[
                0
            ]
        rows.append({"thread": thread, "preview": preview, **_subject(thread)})
    return render(request, "site/dashboard/threads.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@customer_page
def thread_detail(request, thread_id: int):
    thread, _role = selectors.thread_get(viewer=request.user, thread_id=thread_id)
    form = MessageForm(posted(request), request.FILES if request.method == "POST" else None)
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
                return redirect(reverse("dashboard-thread", args=[thread.pk]) + "#latest")
    page = selectors.message_page(thread=thread, before=_before(request))
    context = {
        "thread": thread,
        "rows": _message_rows(request, thread, page.messages),
        "has_older": page.has_older,
        "older_than": page.messages[0].pk if page.messages else None,
        "hidden": selectors.message_masking_for(thread=thread, viewer=request.user) is not None,
        "form": form,
        **_subject(thread),
    }
    return render(request, "site/dashboard/thread.html", context, status=status)


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@require_POST
@customer_page
def thread_read(request, thread_id: int):
    try:
        message_services.thread_mark_read(actor=request.user, thread_id=thread_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    return redirect("dashboard-thread", thread_id=thread_id)
