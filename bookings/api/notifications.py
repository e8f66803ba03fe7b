"""The in-app notification feed: list, unread count, mark read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.inputs import validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.responses import INVALID, NOT_FOUND, UNAUTHENTICATED
from bookings.api.serializers import UnreadTotalSerializer
from bookings.models import Notification
from bookings.selectors.notifications import notification_list, notification_unread_count
from bookings.services import notifications as notification_services

TAGS = ["notifications"]


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "booking_id", "data", "read", "created_at"]

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=fields.row_id(min_value=1), required=False, max_length=500)
    all = serializers.BooleanField(required=False, default=False)


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField()


class NotificationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your notifications, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(NotificationSerializer), 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return paginated(
            self, request, notification_list(viewer=request.user), NotificationSerializer
        )


class NotificationUnreadCountView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="How many of your notifications are unread.",
        responses={200: UnreadTotalSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response({"unread": notification_unread_count(viewer=request.user)})


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Mark notifications read: {ids: [...]} or {all: true}.",
        request=NotificationReadSerializer,
        responses={200: NotificationReadResultSerializer, 400: INVALID, 404: NOT_FOUND},
        examples=[
            OpenApiExample("Some", value={"ids": [31, 32]}, request_only=True),
            OpenApiExample("All", value={"all": True}, request_only=True),
        ],
    )
    def post(self, request):
        data = validated(NotificationReadSerializer, request.data).validated_data
        marked = notification_services.notifications_mark_read(
            actor=request.user, ids=data.get("ids"), everything=data["all"]
        )
        return Response(
            {
                "marked": marked,
                "unread": notification_unread_count(viewer=request.user),
            }
        )
