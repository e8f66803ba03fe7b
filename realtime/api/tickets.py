"""Socket tickets: ``POST /api/v1/realtime/tickets/``, for clients that open the websocket
without the web session cookie (realtime.services.tickets)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.responses import UNAUTHENTICATED
from realtime.services.tickets import ticket_issue


class TicketSerializer(serializers.Serializer):
    ticket = serializers.CharField(
        help_text="Open wss://<this host>/ws/live/?ticket=<ticket> with it, once."
    )
    expires_at = serializers.DateTimeField()


class TicketView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["realtime"],
        operation_id="realtime_ticket_create",
        summary="A single-use ticket to open the websocket",
        description="Valid for one socket on this marketplace, for about 30 seconds.",
        request=None,
        responses={201: TicketSerializer, 401: UNAUTHENTICATED},
        examples=[
            OpenApiExample(
                "Ticket",
                value={"ticket": "q8Yx…", "expires_at": "2027-06-12T18:00:30Z"},
                response_only=True,
            )
        ],
    )
    def post(self, request):
        ticket = ticket_issue(actor=request.user)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)
