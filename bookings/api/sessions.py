"""Live sessions over the API: the meter, the heartbeat, and the customer's prepaid balance.

Starting and ending go through the generic transitions endpoint
(``POST /api/v1/bookings/{id}/transitions/start/`` and ``.../end/``), whose effects live in
bookings.services.sessions. A websocket transport will carry the same heartbeat later.
"""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from billing import balances
from bookings.selectors.sessions import Meter, session_meter_get
from bookings.services import sessions

TAGS = ["sessions"]


class MeterSerializer(serializers.Serializer):
    booking_id = serializers.IntegerField()
    state = serializers.CharField()
    channel = serializers.CharField()
    currency = serializers.CharField()
    rate_minor = serializers.IntegerField(help_text="Price of one started minute.")
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField(help_text="customer, provider, balance or silence.")
    elapsed_seconds = serializers.IntegerField(help_text="Measured by the server.")
    billed_minutes = serializers.IntegerField(help_text="Minutes charged so far.")
    billed_minor = serializers.IntegerField()
    balance_minor = serializers.IntegerField(
        allow_null=True, help_text="The customer's prepaid balance; null for the provider."
    )
    seconds_until_next_charge = serializers.IntegerField(allow_null=True)
    next_minute_covered = serializers.BooleanField()
    low_balance = serializers.BooleanField(
        help_text="Live and the balance does not pay the next minute: it ends then."
    )


def _meter(meter: Meter) -> dict:
    return MeterSerializer({**asdict(meter), "low_balance": meter.low_balance}).data


METER_EXAMPLE = OpenApiExample(
    "A live chat reading in its fourth minute",
    value={
        "booking_id": 812,
        "state": "live",
        "channel": "chat",
        "currency": "USD",
        "rate_minor": 299,
        "started_at": "2027-03-01T20:00:00Z",
        "ended_at": None,
        "end_reason": "",
        "elapsed_seconds": 190,
        "billed_minutes": 4,
        "billed_minor": 1196,
        "balance_minor": 250,
        "seconds_until_next_charge": 50,
        "next_minute_covered": False,
        "low_balance": True,
    },
    response_only=True,
)


class SessionMeterView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The session's meter: state, time, minutes charged, balance.",
        responses={200: MeterSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
        examples=[METER_EXAMPLE],
    )
    def get(self, request, booking_id: int):
        return Response(_meter(session_meter_get(viewer=request.user, booking_id=booking_id)))


class SessionHeartbeatView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Keep a live session going; charges every minute started since the last "
        "charge and ends the session when the balance cannot pay one.",
        description="Send about every 30 seconds while live (either party). The body is "
        "ignored: time and minutes are measured by the server. Without a heartbeat for "
        "SOUK_SESSION_SILENCE_SECONDS (120 by default) the session ends, billed up to the "
        "last heartbeat.",
        request=None,
        responses={
            200: MeterSerializer,
            401: UNAUTHENTICATED,
            403: error("`wrong_actor`: only the customer and the provider."),
            404: NOT_FOUND,
            409: error("`session_not_live`: not started yet, or ended."),
        },
        examples=[METER_EXAMPLE],
    )
    def post(self, request, booking_id: int):
        meter = sessions.session_heartbeat(actor=request.user, booking_id=booking_id)
        return Response(_meter(meter))


class BalanceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your prepaid balance in each currency you hold one in.",
        responses={
            200: inline_serializer(
                "PrepaidBalance",
                {
                    "balances": serializers.ListField(
                        child=inline_serializer(
                            "PrepaidBalanceAmount",
                            {
                                "currency": serializers.CharField(),
                                "amount_minor": serializers.IntegerField(),
                            },
                        )
                    )
                },
            ),
            401: UNAUTHENTICATED,
        },
        examples=[
            OpenApiExample(
                "Twenty dollars",
                value={"balances": [{"currency": "USD", "amount_minor": 2000}]},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        held = balances.prepaid_balances(customer=request.user)
        return Response(
            {"balances": [{"currency": m.currency, "amount_minor": m.amount_minor} for m in held]}
        )
