from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.language import activate_user_language
from accounts.services import token_authenticate
from config.errors import AuthenticationFailed


class BearerTokenAuthentication(BaseAuthentication):
    """API tokens (``accounts.models.ApiToken``), sent as ``Authorization: Bearer <key>``
    (``Token <key>`` also accepted).

    Tokens live in each marketplace's schema, so one marketplace's token is unknown to another.
    A refused token is a 401 whose code says why: ``token_expired``, ``token_revoked`` (by a
    password change) or ``authentication_failed``.
    """

    keyword = "Bearer"
    accepted_keywords = (b"bearer", b"token")

    def authenticate(self, request):
        # Parsed here rather than by rewriting the header: Django caches request.headers
        # on first use, so a rewrite of META may never be seen.
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in self.accepted_keywords:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Send 'Authorization: Bearer <token>'.")
            )
        try:
            key = auth[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from exc
        try:
            user, token = token_authenticate(key=key)
        except AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from exc
        activate_user_language(request, user)
        return user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ``BearerTokenAuthentication``."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `POST /api/v1/auth/login/` (or the magic-link "
            "confirmation), valid on this marketplace only, until it expires or the password "
            "changes.",
        }
