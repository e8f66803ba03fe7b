"""Payouts: staff send providers their available earnings (or confirm the transfers they made by
hand); providers see theirs, say where they are paid, and ask to withdraw (withdrawals.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from api.inputs import validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.permissions import IsMarketplaceStaff, IsProvider
from api.responses import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, error
from billing.api.wallet import USER_ID, _user_id
from billing.models import Payout, PayoutAccount, PayoutMethod
from billing.money import CURRENCY_EXPONENTS, Money
from billing.selectors.wallet import payout_get, wallet_payouts
from billing.services.payouts import (
    payout_account_set,
    payout_cancel,
    payout_confirm,
    payout_fail,
    payout_request,
)
from config.errors import NotFound

TAGS = ["payouts"]
User = get_user_model()


class PayoutSerializer(serializers.ModelSerializer):
    payee_id = serializers.IntegerField()

    class Meta:
        model = Payout
        fields = ["reference", "payee_id", "amount_minor", "currency", "method", "destination",
                  "origin", "state", "scheduled_for", "provider_ref", "bank_reference",
                  "failure_code", "created_at", "sent_at", "paid_at"]  # fmt: skip


class PayoutCreateSerializer(serializers.Serializer):
    payee_id = fields.row_id(min_value=1)
    amount_minor = fields.amount_minor(min_value=1)
    currency = fields.currency(CURRENCY_EXPONENTS)


class PayoutConfirmSerializer(serializers.Serializer):
    bank_reference = serializers.CharField(max_length=120)


class PayoutFailSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=60, help_text="E.g. `bounced`, `wrong_iban`.")


class PayoutAccountSerializer(serializers.ModelSerializer):
    method = serializers.ChoiceField(choices=PayoutMethod.choices)
    destination = serializers.CharField(
        max_length=255,
        help_text="FIB: the IBAN; Stripe: the connected account id (acct_…); manual: bank "
        "details staff pay to.",
    )

    class Meta:
        model = PayoutAccount
        fields = ["method", "destination", "updated_at"]
        read_only_fields = ["updated_at"]


class PayoutListView(APIView):
    permission_classes = [IsAuthenticated]

    def get_permissions(self):
        return (
            [IsMarketplaceStaff()] if self.request.method == "POST" else super().get_permissions()
        )

    @extend_schema(
        tags=TAGS,
        summary="Payouts, newest first: your own; staff every one (or one user's).",
        parameters=[USER_ID, *PAGE_PARAMETERS],
        responses={200: page_of(PayoutSerializer), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request):
        payouts = wallet_payouts(viewer=request.user, user_id=_user_id(request))
        return paginated(self, request, payouts, PayoutSerializer)

    @extend_schema(
        tags=TAGS,
        summary="Staff: pay a provider part or all of their available earnings.",
        description="The money leaves their available balance at once. Through the provider "
        "of their payout account where this marketplace can pay out with it (a Stripe "
        "transfer, a FIB payout), sent right after; else `manual`: staff transfer it and "
        "confirm it with the bank's reference.",
        parameters=[IDEMPOTENCY_KEY],
        request=PayoutCreateSerializer,
        responses={
            201: PayoutSerializer,
            400: error("`invalid`, `idempotency_key_required`."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`idempotency_key_reused`."),
            422: error("`exceeds_available` (`details.available_minor`)."),
        },
        examples=[OpenApiExample("A payout", value={"payee_id": 12, "amount_minor": 45000000,
                                                    "currency": "IQD"}, request_only=True)],
    )  # fmt: skip
    def post(self, request):
        key = idempotency_key(request, per_user=True)
        data = validated(PayoutCreateSerializer, request.data).validated_data
        payee = User.objects.filter(pk=data["payee_id"]).first()
        if payee is None:
            raise NotFound(_("No such user."), code="user_not_found")
        payout = payout_request(
            actor=request.user,
            payee=payee,
            amount=Money(data["amount_minor"], data["currency"].upper()),
            idempotency_key=key,
        )
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


class PayoutDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A payout (its payee and staff).",
        responses={200: PayoutSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, reference: str):
        return Response(PayoutSerializer(payout_get(viewer=request.user, reference=reference)).data)


class PayoutConfirmView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Staff: confirm a payout made by hand, with the bank's reference: it is paid.",
        request=PayoutConfirmSerializer,
        responses={
            200: PayoutSerializer,
            400: error("`invalid`."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`wrong_state`: already paid with another reference, failed, cancelled."),
        },
    )
    def post(self, request, reference: str):
        data = validated(PayoutConfirmSerializer, request.data).validated_data
        payout = payout_get(viewer=request.user, reference=reference)
        payout = payout_confirm(
            actor=request.user, payout_id=payout.pk, bank_reference=data["bank_reference"]
        )
        return Response(PayoutSerializer(payout).data)


class PayoutCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Cancel a payout not yet sent (its payee, or staff): the money is available again.",
        request=None,
        responses={200: PayoutSerializer, 404: NOT_FOUND, 409: error("`wrong_state`.")},
    )
    def post(self, request, reference: str):
        payout = payout_get(viewer=request.user, reference=reference)
        return Response(
            PayoutSerializer(payout_cancel(actor=request.user, payout_id=payout.pk)).data
        )


class PayoutFailView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Staff: a payout did not arrive (a bounced transfer): its money is available "
        "to the payee again.",
        request=PayoutFailSerializer,
        responses={
            200: PayoutSerializer,
            400: error("`invalid`."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`wrong_state`: paid or cancelled."),
        },
    )
    def post(self, request, reference: str):
        data = validated(PayoutFailSerializer, request.data).validated_data
        payout = payout_get(viewer=request.user, reference=reference)
        payout = payout_fail(actor=request.user, payout_id=payout.pk, reason=data["reason"])
        return Response(PayoutSerializer(payout).data)


class PayoutAccountView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS,
        summary="Provider: where you are paid, per method.",
        responses={200: PayoutAccountSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        accounts = PayoutAccount.objects.filter(user=request.user).order_by("method")
        return Response(PayoutAccountSerializer(accounts, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Provider: set where you are paid by one method (replaces it).",
        request=PayoutAccountSerializer,
        responses={200: PayoutAccountSerializer, 400: error("`invalid`."), 403: FORBIDDEN},
    )
    def put(self, request):
        data = validated(PayoutAccountSerializer, request.data).validated_data
        account = payout_account_set(
            actor=request.user, method=data["method"], destination=data["destination"]
        )
        return Response(PayoutAccountSerializer(account).data)
