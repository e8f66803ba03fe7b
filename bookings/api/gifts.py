"""Gifts over the API: the catalogue (read by anyone, kept by the marketplace's staff) and
sending a gift to a live stream from the prepaid balance (bookings.services.gifts)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.idempotency import IDEMPOTENCY_KEY, KEY, idempotency_key
from api.inputs import validated
from api.permissions import IsMarketplaceStaff
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from billing.money import CURRENCY_EXPONENTS
from bookings.selectors.gifts import gift_catalogue
from bookings.services.gifts import QUANTITY_MAX, gift_create, gift_send, gift_update

TAGS = ["gifts"]


class GiftSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=60)
    icon = serializers.CharField(max_length=16, help_text="An emoji or a short icon name.")
    price_minor = fields.amount_minor(min_value=1)
    currency = fields.currency(
        CURRENCY_EXPONENTS,
        required=False,
        help_text="The marketplace's default currency when left out.",
    )
    active = serializers.BooleanField(default=True)
    sort_order = fields.count(default=0)


class GiftSentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stream_id = serializers.IntegerField()
    gift_id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    unit_price_minor = serializers.IntegerField()
    total_minor = serializers.IntegerField()
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()


class GiftSendSerializer(serializers.Serializer):
    gift_id = fields.row_id()
    quantity = serializers.IntegerField(min_value=1, max_value=QUANTITY_MAX, default=1)
    idempotency_key = serializers.RegexField(
        KEY,
        required=False,
        help_text="Instead of the Idempotency-Key header, for clients that cannot send one.",
    )


class GiftListCreateView(APIView):
    def get_permissions(self):
        return [IsMarketplaceStaff()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        summary="The gifts viewers can send (staff see inactive ones too).",
        responses={200: GiftSerializer(many=True)},
    )
    def get(self, request):
        staff = IsMarketplaceStaff().has_permission(request, self)
        return Response(GiftSerializer(gift_catalogue(include_inactive=staff), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Add a gift to the catalogue (staff).",
        request=GiftSerializer,
        responses={201: GiftSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN},
        examples=[
            OpenApiExample(
                "A rose",
                request_only=True,
                value={"name": "Rose", "icon": "🌹", "price_minor": 100},
            )
        ],
    )
    def post(self, request):
        data = validated(GiftSerializer, request.data).validated_data
        gift = gift_create(actor=request.user, **data)
        return Response(GiftSerializer(gift).data, status=status.HTTP_201_CREATED)


class GiftDetailView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Change a gift (staff); gifts already sent keep their price.",
        request=GiftSerializer(partial=True),
        responses={
            200: GiftSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def patch(self, request, gift_id: int):
        data = validated(GiftSerializer, request.data, partial=True).validated_data
        gift = gift_update(actor=request.user, gift_id=gift_id, **data)
        return Response(GiftSerializer(gift).data)


class StreamGiftView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Send a gift to a live stream, paid from your prepaid balance.",
        description="The Idempotency-Key header (or the `idempotency_key` field) makes a "
        "retry answer the same gift and move no money twice. The marketplace's commission "
        "goes to the platform, the rest to the provider.",
        parameters=[IDEMPOTENCY_KEY],
        request=GiftSendSerializer,
        responses={
            201: GiftSentSerializer,
            400: error("`invalid`, `idempotency_key_required`."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: error("`stream_not_live`, `idempotency_key_reused`."),
            422: error("`insufficient_balance`, `gift_inactive`, `own_stream`."),
        },
        examples=[
            OpenApiExample("Three roses", request_only=True, value={"gift_id": 3, "quantity": 3})
        ],
    )
    def post(self, request, stream_id: int):
        data = validated(GiftSendSerializer, request.data).validated_data
        if "Idempotency-Key" not in request.headers and data.get("idempotency_key"):
            key = f"{request.user.pk}-{data['idempotency_key']}"
        else:
            key = idempotency_key(request, per_user=True)
        sent = gift_send(
            sender=request.user,
            stream_id=stream_id,
            gift_id=data["gift_id"],
            quantity=data["quantity"],
            idempotency_key=key,
        )
        return Response(GiftSentSerializer(sent).data, status=status.HTTP_201_CREATED)
