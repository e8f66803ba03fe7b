from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header


class BearerTokenAuthentication(TokenAuthentication):
    """API tokens, sent as ``Authorization: Bearer <key>`` (``Token <key>`` also accepted).

    Tokens live in each marketplace's schema, so one marketplace's token is unknown to another.
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
        return self.authenticate_credentials(key)
