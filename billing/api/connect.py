"""A provider's Stripe connected account: onboarding (a fresh Stripe-hosted link) and where it
stands. Releases of money taken by Stripe are transferred to it once Stripe lets it receive."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from api.responses import UNAUTHENTICATED, error
from billing.models import ConnectedAccount
from billing.services.connect import connected_account_onboard
from config.errors import NotAllowed

TAGS = ["payouts"]


class OnboardingLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Stripe's onboarding page; it expires within minutes.")


class ConnectedAccountSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    charges_enabled = serializers.BooleanField()
    payouts_enabled = serializers.BooleanField()
    details_submitted = serializers.BooleanField()


def _provider(request):
    if request.user.role != request.user.Role.PROVIDER:
        raise NotAllowed(_("Only providers receive payouts."), code="wrong_actor")
    return request.user


class StripeOnboardingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Where the provider's Stripe account stands.",
        responses={
            200: ConnectedAccountSerializer,
            401: UNAUTHENTICATED,
            403: error("`wrong_actor`: providers only."),
        },  # fmt: skip
    )
    def get(self, request):
        account = ConnectedAccount.objects.filter(user=_provider(request)).first()
        flags = ("charges_enabled", "payouts_enabled", "details_submitted")
        data = {"connected": account is not None} | {
            name: bool(account and getattr(account, name)) for name in flags
        }
        return Response(ConnectedAccountSerializer(data).data)

    @extend_schema(
        tags=TAGS,
        summary="Onboard with Stripe to receive payouts (providers): a fresh link.",
        description="Creates the provider's Express account on the marketplace's Stripe "
        "platform the first time, and answers a new onboarding link each call. Releases wait "
        "in the provider's available earnings until Stripe lets the account receive transfers.",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={
            201: OnboardingLinkSerializer,
            400: error("`idempotency_key_required`."),
            401: UNAUTHENTICATED,
            403: error("`wrong_actor`: providers only."),
            422: error("`provider_not_enabled`: the marketplace does not use Stripe."),
        },
    )
    def post(self, request):
        # Asked for like every write that opens something at a provider; the account is made
        # once whatever the key, and each call answers a fresh link.
        idempotency_key(request)
        url = connected_account_onboard(user=_provider(request))
        return Response(OnboardingLinkSerializer({"url": url}).data, status=status.HTTP_201_CREATED)
