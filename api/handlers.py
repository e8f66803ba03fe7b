"""Error pages for requests no API view answered, in the API's error shape under /api/.

Django answers an unknown address (404), a body over DATA_UPLOAD_MAX_MEMORY_SIZE (raised as
RequestDataTooBig when the body is first read, which Django turns into a 400), a
PermissionDenied outside DRF (403) and an unhandled exception (500) with these handlers, not
with DRF's exception handler. A client of the API parses JSON, so every answer under /api/
is ``{"error", "message", "details"}``; other pages keep Django's HTML.
Both URLconfs (marketplace and operator hosts) name them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _error(status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": code, "message": message, "details": details or {}}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _error(
            413,
            "request_too_large",
            _("The request body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"},
            {"max_bytes": limit},
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return _error(413, "request_too_large", _("The request has too many fields or files."))
    return _error(400, "malformed_request", _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _error(403, "forbidden", _("You may not do this."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _error(404, "not_found", _("No API operation has this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return _error(500, "server_error", _("Something went wrong on our side; it has been logged."))
