"""What a gig's provider delivers, over the API: messages and files, listed for the parties.

Delivery files are private to the booking's parties: they are streamed through
``/api/v1/bookings/{id}/deliveries/files/{file_id}/`` after the party check, never linked by a
media URL.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import JSONParser
from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from bookings.api.raw import RawView
from bookings.files import file_download
from bookings.models import Delivery, DeliveryFile
from bookings.selectors.deliveries import delivery_file_get, delivery_get, delivery_list
from bookings.services import deliveries

TAGS = ["deliveries"]


class DeliveryFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryFile
        fields = ["id", "name", "size", "content_type", "download_url"]

    def get_download_url(self, row) -> str:
        request = self.context["request"]
        booking_id = self.context["booking_id"]
        path = reverse(
            "api:booking-delivery-file", kwargs={"booking_id": booking_id, "file_id": row.pk}
        )
        return request.build_absolute_uri(path)


class DeliverySerializer(serializers.ModelSerializer):
    files = DeliveryFileSerializer(many=True)

    class Meta:
        model = Delivery
        fields = ["id", "number", "message", "late", "created_at", "files"]


class DeliveryCreateSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Up to SOUK_DELIVERY_MAX_FILES files (default 10) of at most "
        f"SOUK_DELIVERY_MAX_BYTES each (default 100 MB): {deliveries.ACCEPTED}.",
    )


class DeliveryListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="An order's deliveries, with their files (the parties and staff).",
        responses={200: DeliverySerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, booking_id: int):
        booking, rows = delivery_list(viewer=request.user, booking_id=booking_id)
        context = {"request": request, "booking_id": booking.pk}
        return Response(DeliverySerializer(rows, many=True, context=context).data)

    @extend_schema(
        tags=TAGS,
        summary="Deliver the order (its provider): a message and files; takes the `deliver` step.",
        description="Multipart: `message` and `files` (repeat the field for each file). "
        "Files are judged by their bytes. A delivery after the order's due time is marked "
        "`late`. Nothing is stored when anything is refused.",
        request={"multipart/form-data": DeliveryCreateSerializer},
        responses={
            201: DeliverySerializer,
            400: error(
                "`unsupported_file`, `corrupt_file`, `file_too_large`, `too_many_files`, "
                "`empty_delivery`, `invalid`."
            ),
            401: UNAUTHENTICATED,
            403: error("`wrong_actor`: only the provider delivers."),
            404: NOT_FOUND,
            409: error("`wrong_state`: not awaiting a delivery (e.g. not started)."),
        },
    )
    def post(self, request, booking_id: int):
        message = request.data.get("message", "")
        if not isinstance(message, str):
            message = ""
        delivery = deliveries.delivery_create(
            actor=request.user,
            booking_id=booking_id,
            message=message,
            uploads=request.FILES.getlist("files"),
        )
        delivery = delivery_get(delivery_id=delivery.pk)
        context = {"request": request, "booking_id": booking_id}
        return Response(
            DeliverySerializer(delivery, context=context).data, status=status.HTTP_201_CREATED
        )


class DeliveryFileView(RawView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Download a delivered file (the parties and staff).",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in its own content type."
            ),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request, booking_id: int, file_id: int):
        row = delivery_file_get(viewer=request.user, booking_id=booking_id, file_id=file_id)
        return file_download(row.file, name=row.name, content_type=row.content_type)
