"""/dashboard/messages/: the customer's conversations (previews masked as the API masks
them) and one of them (themes.pages.threads: the page both parties share, live over the
user's socket)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings.selectors import messages as selectors
from bookings.services import messages as message_services
from config.errors import ServiceError
from themes.pages.common import page_of
from themes.pages.dashboard.common import customer_page
from themes.pages.threads import thread_page, thread_subject


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
        rows.append({"thread": thread, "preview": preview, **thread_subject(thread)})
    return render(request, "site/dashboard/threads.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@customer_page
def thread_detail(request, thread_id: int):
    return thread_page(request, thread_id, role="customer")


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
