"""One error shape for the whole API: {"error": code, "message": sentence, "details": {...}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ServiceError

DRF_CODES: dict[type[exceptions.APIException], tuple[str, str | Promise]] = {
    exceptions.NotAuthenticated: ("not_authenticated", gettext_lazy("Log in to do this.")),
    exceptions.AuthenticationFailed: (
        "authentication_failed",
        gettext_lazy("The credentials are not valid."),
    ),
    exceptions.PermissionDenied: ("forbidden", gettext_lazy("You may not do this.")),
    exceptions.NotFound: ("not_found", gettext_lazy("Not found.")),
    exceptions.MethodNotAllowed: (
        "method_not_allowed",
        gettext_lazy("This method is not allowed here."),
    ),
    exceptions.Throttled: ("throttled", gettext_lazy("Too many requests; slow down.")),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        gettext_lazy("Unsupported media type."),
    ),
    exceptions.ParseError: (
        "malformed_request",
        gettext_lazy("The request body could not be parsed."),
    ),
}


def _text(value):
    """Lazy translations as text in the active language, inside ``details`` too."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_text(item) for item in value]
    return value


def error_response(status_code: int, code: str, message, details=None, headers=None):
    """The error body; ``message`` and the texts in ``details`` may be lazy translations
    (module-level messages), rendered here in the request's language. ``code`` stays English.
    """
    body = {"error": code, "message": str(message), "details": _text(details or {})}
    return Response(body, status=status_code, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        retry_after = exc.details.get("retry_after") if exc.status == 429 else None
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return error_response(exc.status, exc.code, exc.message, exc.details, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            status.HTTP_400_BAD_REQUEST,
            "invalid",
            _("Some fields are not valid."),
            exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
        )
    for exc_type, (code, message) in DRF_CODES.items():
        if isinstance(exc, exc_type):
            detail = str(exc.detail) if getattr(exc, "detail", None) else message
            if isinstance(exc, exceptions.AuthenticationFailed):
                # Why a token was refused (token_expired, token_revoked) is the client's cue.
                code = getattr(exc.detail, "code", None) or code
            headers = {
                k: v
                for k, v in response.headers.items()
                if k in {"Retry-After", "WWW-Authenticate"}
            }
            return error_response(response.status_code, code, detail, headers=headers)
    return error_response(response.status_code, "error", str(exc))
