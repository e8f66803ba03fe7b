"""Accounts API: sign-up, log-in by password or magic link, verification, password reset, me.

Everything is scoped to the marketplace of the Host header: its users, its tokens.
"""

from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.models import User
from accounts.selectors import user_email_verified

# Serializers


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="A stable code, e.g. `invalid_credentials`.")
    message = serializers.CharField()
    details = serializers.DictField()


class UserSerializer(serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "role", "language", "email_verified"]
        read_only_fields = fields

    def get_email_verified(self, user: User) -> bool:
        return user_email_verified(user=user)


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    role = serializers.ChoiceField(
        choices=[User.Role.CUSTOMER, User.Role.PROVIDER], default=User.Role.CUSTOMER
    )
    display_name = serializers.CharField(max_length=120, allow_blank=True, default="")


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    user = UserSerializer()


class EmailVerifySerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=512, help_text="The last part of the link in the verification mail."
    )


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class MagicLinkConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=512)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    language = serializers.CharField(max_length=8, allow_blank=True, required=False)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def _token_body(token) -> dict:
    return {"token": token.key, "user": UserSerializer(token.user).data}


SENT_IF_KNOWN = "If an account on this marketplace uses this address, we have sent it an e-mail."


# Views


class AuthView(APIView):
    """Anonymous auth endpoints: no credentials read (a stale token must not block a log-in),
    throttled per client address under the "auth" scope."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def validated(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class SignupView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Open an account on this marketplace; a verification link is mailed.",
        request=SignupSerializer,
        responses={
            201: UserSerializer,
            400: _error("`email_taken`, `weak_password`, `invalid_email` or `invalid`."),
            429: _error("`throttled`."),
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
            400: _error("`invalid`: missing fields."),
            401: _error("`invalid_credentials`."),
            403: _error("`email_unverified`: a new verification link is mailed."),
            429: _error("`throttled`."),
        },
        examples=[
            OpenApiExample(
                "Token",
                response_only=True,
                status_codes=["200"],
                value={
                    "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
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
        ],
    )
    def post(self, request):
        token = services.token_login(**self.validated(LoginSerializer, request))
        return Response(_token_body(token))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        summary="Revoke the API token and end the session, if any.",
        request=None,
        responses={204: None, 401: _error("`not_authenticated` or `authentication_failed`.")},
    )
    def post(self, request):
        services.token_logout(user=request.user)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Confirm an e-mail address with the key from the verification mail.",
        request=EmailVerifySerializer,
        responses={200: UserSerializer, 400: _error("`invalid_key`."), 429: _error("`throttled`.")},
    )
    def post(self, request):
        user = services.email_verify(**self.validated(EmailVerifySerializer, request))
        return Response(UserSerializer(user).data)


class PasswordResetView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Mail a password reset link and uid/token pair. The answer is the same "
        "whether or not the address has an account.",
        request=EmailSerializer,
        responses={202: DetailSerializer, 429: _error("`throttled`.")},
    )
    def post(self, request):
        services.password_reset_request(**self.validated(EmailSerializer, request))
        return Response({"detail": SENT_IF_KNOWN}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Set a new password with the uid and token of a reset mail. Revokes the API token.",
        request=PasswordResetConfirmSerializer,
        responses={
            200: DetailSerializer,
            400: _error("`invalid_token` or `weak_password`."),
            429: _error("`throttled`."),
        },
    )
    def post(self, request):
        services.password_reset_confirm(**self.validated(PasswordResetConfirmSerializer, request))
        return Response({"detail": "The password is changed; log in with it."})


class MagicLinkView(AuthView):
    @extend_schema(
        tags=["auth"],
        summary="Mail a one-time log-in link (valid 15 minutes). The answer is the same "
        "whether or not the address has an account.",
        request=EmailSerializer,
        responses={202: DetailSerializer, 429: _error("`throttled`.")},
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
            400: _error("`invalid_token` (used, replaced or forged) or `token_expired`."),
            429: _error("`throttled`."),
        },
    )
    def post(self, request):
        token = services.magic_link_confirm(**self.validated(MagicLinkConfirmSerializer, request))
        return Response(_token_body(token))


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary="The logged-in user of this marketplace.",
        responses={200: UserSerializer, 401: _error("`not_authenticated`.")},
    )
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=["me"],
        summary="Change the display name or preferred language.",
        request=MeUpdateSerializer,
        responses={
            200: UserSerializer,
            400: _error("`invalid`."),
            401: _error("`not_authenticated`."),
        },
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data)
