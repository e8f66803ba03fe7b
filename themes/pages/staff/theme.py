"""/staff/theme/: the theme editor with its live preview, and the theme's files.

"Preview" checks the unsaved tokens with the service the API's /theme/preview/ uses
(themes.selectors.themes.theme_preview), keeps them in the session under a fresh key, and the
editor frames /staff/theme/preview/?draft=<key>: the home page with the draft's stylesheet
(/staff/theme/preview.css?draft=<key>) after the theme's own. "Save" goes through theme_update;
a refusal (a contrast pair below AA, unsafe CSS) is shown beside its fields and saves nothing.
theme-editor.js posts the form for a preview as one types; without it the buttons do the same.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import ServiceError
from config.security import HEADER, content_security_policy
from themes.pages.common import page_role_required
from themes.pages.staff.theme_forms import ThemeFileForm, ThemeForm
from themes.selectors.home import home_sections
from themes.selectors.themes import theme_get, theme_preview
from themes.services.files import FILE_KINDS, theme_file_clear, theme_file_set
from themes.services.themes import theme_draft, theme_update

DRAFTS = "staff_theme_drafts"
KEEP_DRAFTS = 5
FILE_LABELS = {"logo": _("Logo"), "favicon": _("Favicon"), "hero_image": _("Hero image")}


def _draft_store(request, changes: dict[str, Any]) -> str:
    key = secrets.token_urlsafe(9)
    drafts = dict(request.session.get(DRAFTS) or {})
    for old in list(drafts)[: max(0, len(drafts) - KEEP_DRAFTS + 1)]:
        del drafts[old]
    drafts[key] = changes
    request.session[DRAFTS] = drafts
    return key


def _draft(request) -> dict[str, Any]:
    """The session's draft the query names ({} for none: the saved theme)."""
    key = request.GET.get("draft")
    if not key:
        return {}
    drafts = request.session.get(DRAFTS) or {}
    if key not in drafts:
        raise Http404
    return drafts[key]


def _preview_url(key: str | None) -> str:
    url = reverse("staff-theme-preview")
    return f"{url}?draft={key}" if key else url


def _editor(request, form, *, status=200, preview_key=None, file_forms=None):
    theme = theme_get()
    forms_by_kind = {kind: ThemeFileForm(prefix=kind) for kind in FILE_KINDS}
    forms_by_kind.update(file_forms or {})
    files = [
        {
            "kind": kind,
            "label": FILE_LABELS[kind],
            "form": forms_by_kind[kind],
            "current": getattr(theme, kind),
        }
        for kind in FILE_KINDS
    ]
    context = {
        "staff_section": "theme",
        "form": form,
        "files": files,
        "preview_url": _preview_url(preview_key),
        "draft_shown": preview_key is not None,
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "site/staff/theme.html", context, status=status)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _form_errors(form) -> dict[str, list[str]]:
    return {name: [str(message) for message in found] for name, found in form.errors.items()}


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def theme_editor(request):
    if request.method != "POST":
        return _editor(request, ThemeForm(initial=ThemeForm.initial_of(theme_get())))
    form = ThemeForm(request.POST)
    action = request.POST.get("action", "save")
    status = 400
    if form.is_valid():
        try:
            if action == "preview":
                theme_preview(changes=form.changes())
                key = _draft_store(request, form.changes())
                if _wants_json(request):
                    return JsonResponse({"preview": _preview_url(key)})
                return _editor(request, form, preview_key=key)
            theme_update(actor=request.user, **form.changes())
            return redirect(reverse("staff-theme") + "?saved=1")
        except ServiceError as error:
            status = form.refuse(error)
    if _wants_json(request):
        return JsonResponse({"errors": _form_errors(form)}, status=status)
    return _editor(request, form, status=status)


def _framable(response: HttpResponse, request) -> HttpResponse:
    """The preview may be framed by the editor (same origin), by nothing else."""
    response[HEADER] = content_security_policy(
        nonce=getattr(request, "csp_nonce", ""),
        media_origins=list(settings.SOUK_CSP_MEDIA_ORIGINS),
        frame_ancestors="'self'",
    )
    return response


@page_role_required("staff")
@require_safe
@xframe_options_sameorigin
def theme_preview_page(request):
    """The home page as it would look with the draft: its hero copy and its stylesheet."""
    changes = _draft(request)
    theme = copy.copy(theme_get())
    for field, value in theme_draft(theme=theme, changes=changes).items():
        setattr(theme, field, value)
    context = {
        "sections": home_sections(viewer=request.user),
        "theme": theme,
        "preview_css": reverse("staff-theme-preview-css")
        + (f"?draft={request.GET['draft']}" if changes else ""),
    }
    response = render(request, "site/staff/theme_preview.html", context)
    response["Cache-Control"] = "private, no-store"
    return _framable(response, request)


@page_role_required("staff")
@require_safe
def theme_preview_css(request):
    css = theme_preview(changes=_draft(request))
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@page_role_required("staff")
@require_POST
def theme_file(request, kind: str):
    """Upload (``file``) or remove (``remove``) the logo, favicon or hero image."""
    if kind not in FILE_KINDS:
        raise Http404
    if "remove" in request.POST:
        theme_file_clear(actor=request.user, kind=kind)
        return redirect(reverse("staff-theme") + "?saved=1")
    form = ThemeFileForm(request.POST, request.FILES, prefix=kind)
    status = 400
    if form.is_valid():
        try:
            theme_file_set(actor=request.user, kind=kind, upload=form.cleaned_data["file"])
            return redirect(reverse("staff-theme") + "?saved=1")
        except ServiceError as error:
            form.add_error("file", error.message)
            status = error.status
    form_theme = ThemeForm(initial=ThemeForm.initial_of(theme_get()))
    return _editor(request, form_theme, status=status, file_forms={kind: form})
