"""Serializers and schema helpers of the accounts API."""

from rest_framework import serializers

from accounts.models import ApiToken, User
from accounts.selectors import marketplace_languages, user_email_verified
from accounts.services import IssuedToken


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
    token = serializers.CharField(
        help_text="Send as `Authorization: Bearer <token>`. Shown once: only its hash is kept."
    )
    expires_at = serializers.DateTimeField(help_text="Log in again after this moment.")
    user = UserSerializer()


class LogoutSerializer(serializers.Serializer):
    all = serializers.BooleanField(
        default=False, help_text="Revoke every token of the user, not only this one."
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="The token of this request.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "last_used_at", "expires_at", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        current = self.context.get("current")
        return isinstance(current, ApiToken) and current.pk == token.pk


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

    def get_fields(self) -> dict[str, serializers.Field]:
        # Built per request, so both the check and the schema's enum are the languages of the
        # marketplace of the request's host.
        fields = super().get_fields()
        fields["language"] = serializers.ChoiceField(
            choices=marketplace_languages(),
            allow_blank=True,
            required=False,
            help_text="One of the marketplace's languages; blank for its default language.",
        )
        return fields


def token_body(issued: IssuedToken) -> dict:
    return {
        "token": issued.key,
        "expires_at": serializers.DateTimeField().to_representation(issued.token.expires_at),
        "user": UserSerializer(issued.token.user).data,
    }
