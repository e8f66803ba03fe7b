"""The operator's log-in, log-out and API tokens: the marketplace's auth views, answering on the
operator host only (/api/v1/operator/auth/, ``operator_urlpatterns`` in accounts/api/urls.py,
included by config/urls_public.py beside tenants' operator API)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.response import Response

from accounts.api.auth import AuthView, LogoutView
from accounts.api.serializers import LoginSerializer, TokenSerializer, token_body
from accounts.api.tokens import TokenDetailView, TokenListView
from accounts.services import operator_token_login
from api.permissions import IsOperator
from api.responses import error


@extend_schema(tags=["operator auth"])
class OperatorLogin(AuthView):
    """Log-in of the operator API: tokens live in the public schema, so they are unknown on
    every marketplace host, and a marketplace's tokens are unknown here."""

    @extend_schema(
        summary="Exchange a staff user's e-mail and password for an operator API token.",
        description="For staff users of the operator side only. The token works on the "
        "operator host only, until it expires, the password changes or it is revoked. "
        "Limited per account and per client like a marketplace's log-in.",
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: error("`invalid`: missing fields."),
            401: error("`invalid_credentials`: wrong password, unknown or not an operator."),
            429: error(
                "`login_locked`: too many failed attempts for this account or from this "
                "client; see `details.retry_after` and Retry-After. Or `throttled`."
            ),
        },
        examples=[
            OpenApiExample(
                "Wrong password or not an operator",
                response_only=True,
                status_codes=["401"],
                value={
                    "error": "invalid_credentials",
                    "message": "The e-mail address or the password is not correct.",
                    "details": {},
                },
            )
        ],
    )
    def post(self, request):
        issued = operator_token_login(**self.validated(LoginSerializer, request), request=request)
        return Response(token_body(issued))


@extend_schema_view(
    post=extend_schema(
        tags=["operator auth"],
        summary="Revoke this request's operator token (or all of them with "
        '`{"all": true}`) and end the session, if any.',
    )
)
class OperatorLogout(LogoutView):
    permission_classes = [IsOperator]


@extend_schema_view(
    get=extend_schema(
        tags=["operator auth"], summary="The operator's API tokens, newest first (no keys)."
    )
)
class OperatorTokenList(TokenListView):
    permission_classes = [IsOperator]


@extend_schema_view(
    delete=extend_schema(tags=["operator auth"], summary="Revoke one of the operator's tokens.")
)
class OperatorTokenDetail(TokenDetailView):
    permission_classes = [IsOperator]
