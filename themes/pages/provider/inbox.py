"""/provider/messages/<id>/: one of the provider's conversations, as the customer sees theirs
(themes.pages.threads), inside the provider's area."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_http_methods

from config.errors import NotFound
from themes.pages.provider.common import MAX_ID, provider_page
from themes.pages.threads import thread_page


@require_http_methods(["GET", "HEAD", "POST"])
@provider_page
def thread_detail(request, thread_id: int):
    if thread_id > MAX_ID:
        raise Http404
    try:
        return thread_page(request, thread_id, role="provider")
    except NotFound as error:
        raise Http404(error.message) from error
