"""Disputes of bookings: open, add evidence, read, decide; staff's queue."""

from __future__ import annotations

from typing import cast

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.inputs import validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.parsers import JSONParser
from api.responses import INVALID, NOT_FOUND, UNAUTHENTICATED, error
from bookings.api.serializers import PersonSerializer, person
from bookings.files import file_download
from bookings.models import Dispute, DisputeEvidence
from bookings.selectors.disputes import dispute_evidence_get, dispute_get, dispute_list
from bookings.services import disputes
from catalog.api.serializers import provider_ref

TAGS = ["disputes"]
WRONG_ACTOR = error("`wrong_actor`: your side may not take this step.")


class DisputeOpenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class EvidenceInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    file = serializers.FileField(required=False, allow_empty_file=False)


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(Dispute.Resolution.values)
    refund_minor = fields.amount_minor(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class EvidenceFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = DisputeEvidence
        fields = ["id", "author", "text", "file", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_author(self, evidence: DisputeEvidence) -> dict:
        return person(evidence.author)

    @extend_schema_field(EvidenceFileSerializer(allow_null=True))
    def get_file(self, evidence: DisputeEvidence) -> dict | None:
        """Served only through the booking's own endpoint, to its parties and staff."""
        if not evidence.file:
            return None
        url = reverse(
            "api:dispute-evidence-file",
            kwargs={"booking_id": self.context["booking_id"], "evidence_id": evidence.pk},
        )
        request = self.context.get("request")
        return {
            "name": evidence.file_name,
            "size": evidence.file_size,
            "content_type": evidence.file_type,
            "url": request.build_absolute_uri(url) if request else url,
        }


# Blank until the dispute is decided.
def _resolution() -> serializers.ChoiceField:
    return serializers.ChoiceField(Dispute.Resolution.choices, allow_blank=True, read_only=True)


class DisputeSerializer(serializers.ModelSerializer):
    opened_by = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    resolution = _resolution()

    class Meta:
        model = Dispute
        fields = [
            "id",
            "booking_id",
            "status",
            "opened_by",
            "opened_by_side",
            "from_state",
            "reason",
            "resolution",
            "refund_minor",
            "decision_note",
            "decided_at",
            "created_at",
            "evidence",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_opened_by(self, dispute: Dispute) -> dict:
        return person(dispute.opened_by)

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, dispute: Dispute) -> list:
        context = {**self.context, "booking_id": dispute.booking_id}
        # many=True makes a ListSerializer, whose data is a list; the stubs see a Serializer.
        evidence = EvidenceSerializer(dispute.evidence.all(), many=True, context=context)
        return cast(list, evidence.data)


class DisputeQueueSerializer(serializers.ModelSerializer):
    booking = serializers.SerializerMethodField()
    evidence_count = serializers.IntegerField()
    resolution = _resolution()

    class Meta:
        model = Dispute
        fields = [
            "id",
            "booking",
            "status",
            "opened_by_side",
            "reason",
            "resolution",
            "refund_minor",
            "evidence_count",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_booking(self, dispute: Dispute) -> dict:
        booking = dispute.booking
        return {
            "id": booking.pk,
            "number": booking.number,
            "process": booking.process,
            "state": booking.state,
            "listing": {"id": booking.listing_id, "title": booking.listing.title},
            "provider": provider_ref(booking.provider),
            "customer": person(booking.customer),
            "currency": booking.currency,
            "paid_minor": booking.paid_minor,
        }


def _dispute_response(request, booking_id: int, status_code=status.HTTP_200_OK) -> Response:
    dispute = dispute_get(viewer=request.user, booking_id=booking_id)
    return Response(DisputeSerializer(dispute, context={"request": request}).data, status_code)


class BookingDisputeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The booking's dispute with its evidence, for its parties and staff.",
        responses={
            200: DisputeSerializer,
            401: UNAUTHENTICATED,
            404: error("`booking_not_found`, `dispute_not_found`."),
        },
    )
    def get(self, request, booking_id: int):
        return _dispute_response(request, booking_id)

    @extend_schema(
        tags=TAGS,
        summary="Open a dispute on a paid booking (customer or provider), within the window.",
        description="Takes the booking's `dispute` step. The window is the listing type's "
        "`dispute_window_days` (default 14), counted from the payment or, once the work is "
        "delivered or completed, from the latest delivery or completion.",
        request=DisputeOpenInputSerializer,
        responses={
            201: DisputeSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: WRONG_ACTOR,
            404: NOT_FOUND,
            409: error(
                "`already_disputed`, `wrong_state`, `not_disputable`, `not_paid`, "
                "`dispute_window_closed`."
            ),
        },
        examples=[
            OpenApiExample(
                "Not as ordered",
                value={"reason": "The logo delivered is not the one we agreed on."},
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = validated(DisputeOpenInputSerializer, request.data).validated_data
        disputes.dispute_open(actor=request.user, booking_id=booking_id, reason=data["reason"])
        return _dispute_response(request, booking_id, status.HTTP_201_CREATED)


class DisputeEvidenceView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Add evidence to an open dispute: a text, one file (image or PDF), or both.",
        description="Multipart (`text`, `file`) or JSON (`text` only). What a file is comes "
        "from its bytes: images are judged from their headers and stored without their "
        "metadata (EXIF but its orientation, XMP, comments), PDFs are checked by "
        "header and trailer; the image size limit applies to both.",
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={
            201: EvidenceSerializer,
            400: error(
                "`evidence_empty`, `unsupported_file`, `file_too_large`, `corrupt_file`, "
                "`corrupt_image`."
            ),
            401: UNAUTHENTICATED,
            404: error("`booking_not_found`, `dispute_not_found`."),
            409: error("`dispute_closed`."),
        },
    )
    def post(self, request, booking_id: int):
        data = validated(EvidenceInputSerializer, request.data).validated_data
        evidence = disputes.dispute_evidence_add(
            actor=request.user, booking_id=booking_id, text=data["text"], upload=data.get("file")
        )
        context = {"request": request, "booking_id": booking_id}
        return Response(EvidenceSerializer(evidence, context=context).data, status=201)


class DisputeEvidenceFileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Download an evidence file (the booking's parties and staff only).",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in its own content type."
            ),
            401: UNAUTHENTICATED,
            404: error("`booking_not_found`, `evidence_not_found`."),
        },
    )
    def get(self, request, booking_id: int, evidence_id: int):
        evidence = dispute_evidence_get(
            viewer=request.user, booking_id=booking_id, evidence_id=evidence_id
        )
        return file_download(
            evidence.file, name=evidence.file_name, content_type=evidence.file_type
        )


class DisputeResolveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Staff: decide the dispute (release, partial or full refund).",
        description="Records the decision, takes the booking's `resolve` step and hands the "
        "refund to billing after commit: `release` refunds nothing, `full_refund` all that "
        "was paid, `partial_refund` `refund_minor` (more than 0, less than what was paid).",
        request=ResolveInputSerializer,
        responses={
            200: DisputeSerializer,
            400: error("`invalid`, `invalid_refund`."),
            401: UNAUTHENTICATED,
            403: WRONG_ACTOR,
            404: error("`booking_not_found`, `dispute_not_found`."),
            409: error("`dispute_closed`, `wrong_state`."),
        },
        examples=[
            OpenApiExample(
                "Half back",
                value={
                    "resolution": "partial_refund",
                    "refund_minor": 2750,
                    "note": "Delivered late and only partly to brief.",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = validated(ResolveInputSerializer, request.data).validated_data
        disputes.dispute_resolve(actor=request.user, booking_id=booking_id, **data)
        return _dispute_response(request, booking_id)


class DisputeListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Staff: the marketplace's disputes, oldest first.",
        parameters=[OpenApiParameter("status", str, enum=Dispute.Status.values), *PAGE_PARAMETERS],
        responses={
            200: page_of(DisputeQueueSerializer),
            400: INVALID,
            401: UNAUTHENTICATED,
            403: error("`forbidden`: only this marketplace's staff."),
        },
    )
    def get(self, request):
        found = dispute_list(viewer=request.user, status=request.query_params.get("status") or None)
        return paginated(self, request, found, DisputeQueueSerializer)
