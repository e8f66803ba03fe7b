"""Socket tickets: ``POST /api/v1/realtime/tickets/``, for clients that open the websocket
without the web session cookie (realtime.services.socket_tickets)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.responses import UNAUTHENTICATED
from realtime.services.socket_tickets import socket_ticket_issue


class SocketTicketSerializer(serializers.Serializer):
    ticket = serializers.CharField(
        help_text="Open wss://<this host>/ws/live/?ticket=<ticket> with it, once."
    )
    expires_at = serializers.DateTimeField()


class SocketTicketView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["realtime"],
        operation_id="realtime_ticket_create",
        summary="A single-use ticket to open the websocket",
        description="Valid for one socket on this marketplace, for about 30 seconds.",
        request=None,
        responses={201: SocketTicketSerializer, 401: UNAUTHENTICATED},
        examples=[
            OpenApiExample(
                "Socket ticket",
                value={"ticket": "q8Yx…", "expires_at": "2027-06-12T18:00:30Z"},
                response_only=True,
            )
        ],
    )
    def post(self, request):
        ticket = socket_ticket_issue(actor=request.user)
        return Response(SocketTicketSerializer(ticket).data, status=status.HTTP_201_CREATED)
