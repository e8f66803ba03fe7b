"""/provider/streams/: the provider's go-live page. They make a stream, read the ingest address
and the stream key to give their broadcasting software, rotate the key, start and end the
stream; each action is the streams API's service."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from bookings.selectors.streams import provider_streams
from bookings.services.streams import (
    TITLE_MAX,
    live_stream_create,
    live_stream_end,
    live_stream_key_rotate,
    live_stream_start,
)
from config.errors import ServiceError
from themes.pages.provider.common import MAX_ID, own_profile_or_none, provider_page, refused

TEMPLATE = "site/provider/streams.html"
ACTIONS = {
    "start": (live_stream_start, gettext_lazy("Your stream is live.")),
    "end": (live_stream_end, gettext_lazy("Your stream has ended.")),
    "rotate-key": (live_stream_key_rotate, gettext_lazy("Your stream has a new key.")),
}


class StreamForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)


def ingest_url(marketplace) -> str:
    template = settings.SOUK_INGEST_RTMP_URL
    return template.replace("{slug}", marketplace.slug) if template else ""


def _context(request, form: StreamForm) -> dict:
    return {
        "profile": own_profile_or_none(request.user),
        "form": form,
        "streams": provider_streams(actor=request.user),
        "ingest_url": ingest_url(request.tenant),
    }


@require_http_methods(["GET", "POST"])
@provider_page
def stream_index(request):
    form = StreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            live_stream_create(actor=request.user, title=form.cleaned_data["title"])
        except ServiceError as error:
            return refused(request, TEMPLATE, _context(request, form), form, error)
        messages.success(request, _("Your stream is ready: start it when you are."))
        return redirect("provider-streams")
    return render(request, TEMPLATE, _context(request, form), status=400 if form.errors else 200)


@require_POST
@provider_page
def stream_action(request, stream_id: int, action: str):
    if stream_id > MAX_ID or action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(actor=request.user, stream_id=stream_id)
    except ServiceError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect("provider-streams")
