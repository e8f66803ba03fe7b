"""Accounts API: sign-up, log-in by password or magic link, verification, password reset.

Everything is scoped to the marketplace of the Host header: its users, its tokens. Every
endpoint is throttled per client (``api.throttles.client_address``); those that mail an
address also per client an hour, and the mails themselves are capped per address
(``accounts.services.mail_limits``); password log-in is limited per account and per client
with a growing lock-out (``accounts.services.login_limits``).
"""

from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    DetailSerializer,
    EmailSerializer,
    EmailVerifySerializer,
    LoginSerializer,
    LogoutSerializer,
    MagicLinkConfirmSerializer,
    PasswordResetConfirmSerializer,
    SignupSerializer,
    TokenSerializer,
    UserSerializer,
    token_body,
)
from accounts.models import ApiToken
from api.responses import error
from api.throttles import AuthMailThrottle, ClientScopedRateThrottle

SENT_IF_KNOWN = _("If an account on this marketplace uses this address, we have sent it an e-mail.")
THROTTLED = error("`throttled`: too many requests from this client; see Retry-After.")


class AuthView(APIView):
    """Anonymous auth endpoints: no credentials read (a stale token must not block a log-in),
    throttled per client address under the "auth" scope."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    def validated(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class MailingAuthView(AuthView):
    """An endpoint that mails an address: also limited per client an hour."""

    throttle_classes = [ClientScopedRateThrottle, AuthMailThrottle]


class SignupView(MailingAuthView):
    @extend_schema(
        tags=["auth"],
        summary="Open an account on this marketplace; a verification link is mailed.",
        request=SignupSerializer,
        responses={
            201: UserSerializer,
            400: error("`email_taken`, `weak_password`, `invalid_email` or `invalid`."),
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Sign-up",
                request_only=True,
                value={
                    "email": "amira@example.com",
                    "password": "a long passphrase",
                    "role": "provider",
                    "display_name": "Amira",
                },
            ),
            OpenApiExample(
                "E-mail taken",
                response_only=True,
                status_codes=["400"],
                value={
                    "error": "email_taken",
                    "message": "An account with this e-mail address already exists; "
                    "log in or reset the password.",
                    "details": {"email": ["This e-mail address is already registered."]},
                },
            ),
        ],
    )
    def post(self, request):
        user = services.user_signup(**self.validated(SignupSerializer, request))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Exchange e-mail and password for this marketplace's API token.",
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: error("`invalid`: missing fields."),
            401: error("`invalid_credentials`."),
            403: error("`email_unverified`: a new verification link is mailed."),
            429: error(
                "`login_locked`: too many failed attempts for this account or from this "
                "client; `details.retry_after` (also the Retry-After header) is the wait in "
                "seconds, which doubles with each further failure. Or `throttled`."
            ),
        },
        examples=[
            OpenApiExample(
                "Token",
                response_only=True,
                status_codes=["200"],
                value={
                    "token": "q3Zr8yTnVw0bX5kC2mJfL7hA9sDgE1uI4oPxRtYcN6M",
                    "expires_at": "2026-12-31T09:30:00Z",
                    "user": {
                        "id": 7,
                        "email": "amira@example.com",
                        "display_name": "Amira",
                        "role": "provider",
                        "language": "",
                        "email_verified": True,
                    },
                },
            ),
            OpenApiExample(
                "Wrong password",
                response_only=True,
                status_codes=["401"],
                value={
                    "error": "invalid_credentials",
                    "message": "The e-mail address or the password is not correct.",
                    "details": {},
                },
            ),
            OpenApiExample(
                "Locked",
                response_only=True,
                status_codes=["429"],
                value={
                    "error": "login_locked",
                    "message": "Too many failed log-in attempts; try again in 120 seconds, "
                    "or log in with a link sent by e-mail.",
                    "details": {"retry_after": 120},
                },
            ),
        ],
    )
    def post(self, request):
        issued = services.token_login(**self.validated(LoginSerializer, request), request=request)
        return Response(token_body(issued))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        summary="Revoke this request's API token (or every token of the user with "
        '`{"all": true}`) and end the session, if any.',
        request=LogoutSerializer,
        responses={204: None, 401: error("`not_authenticated` or `authentication_failed`.")},
    )
    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_logout(
            user=request.user,
            token=request.auth if isinstance(request.auth, ApiToken) else None,
            everywhere=serializer.validated_data["all"],
        )
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Confirm an e-mail address with the key from the verification mail.",
        request=EmailVerifySerializer,
        responses={200: UserSerializer, 400: error("`invalid_key`."), 429: THROTTLED},
    )
    def post(self, request):
        user = services.email_verify(**self.validated(EmailVerifySerializer, request))
        return Response(UserSerializer(user).data)


class PasswordResetView(MailingAuthView):
    @extend_schema(
        tags=["auth"],
        summary="Mail a password reset link and uid/token pair. The answer is the same "
        "whether or not the address has an account.",
        request=EmailSerializer,
        responses={202: DetailSerializer, 429: THROTTLED},
    )
    def post(self, request):
        services.password_reset_request(**self.validated(EmailSerializer, request))
        return Response({"detail": SENT_IF_KNOWN}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Set a new password with the uid and token of a reset mail. Revokes every "
        "API token of the user.",
        request=PasswordResetConfirmSerializer,
        responses={
            200: DetailSerializer,
            400: error("`invalid_token` or `weak_password`."),
            429: THROTTLED,
        },
    )
    def post(self, request):
        services.password_reset_confirm(**self.validated(PasswordResetConfirmSerializer, request))
        return Response({"detail": _("The password is changed; log in with it.")})


class MagicLinkView(MailingAuthView):
    @extend_schema(
        tags=["auth"],
        summary="Mail a one-time log-in link (valid 15 minutes). The answer is the same "
        "whether or not the address has an account.",
        request=EmailSerializer,
        responses={202: DetailSerializer, 429: THROTTLED},
    )
    def post(self, request):
        services.magic_link_request(**self.validated(EmailSerializer, request))
        return Response({"detail": SENT_IF_KNOWN}, status=status.HTTP_202_ACCEPTED)


class MagicLinkConfirmView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Exchange the token of a log-in mail for an API token (once).",
        request=MagicLinkConfirmSerializer,
        responses={
            200: TokenSerializer,
            400: error("`invalid_token` (used, replaced or forged) or `token_expired`."),
            429: THROTTLED,
        },
    )
    def post(self, request):
        issued = services.magic_link_confirm(
            **self.validated(MagicLinkConfirmSerializer, request),
            name=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(token_body(issued))
