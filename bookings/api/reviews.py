"""Reviews of bookings, their public feed per provider, and the report and appeal flow."""

from __future__ import annotations

from typing import TypedDict

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.responses import INVALID, NOT_FOUND, UNAUTHENTICATED, error
from bookings.api.serializers import PersonSerializer, person
from bookings.models import Review, ReviewReport
from bookings.selectors.reviews import (
    review_get,
    review_list_of_booking,
    review_list_of_provider,
    review_report_get,
    review_report_list,
)
from bookings.services import reviews
from bookings.services.reviews import MAX_REVIEW_TEXT
from catalog.api.serializers import ProviderRefSerializer, provider_ref

TAGS = ["reviews"]
STAFF_ONLY = error("`forbidden`: only this marketplace's staff.")
WRONG_ACTOR = error("`wrong_actor`: not your step.")
WRONG_STATE = error("`wrong_state`: the report is not in the state this step needs.")


class _Bounds(TypedDict):
    min_value: int
    max_value: int


SCORE: _Bounds = {"min_value": 1, "max_value": 5}


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(**SCORE)
    professionalism = serializers.IntegerField(required=False, allow_null=True, **SCORE)
    communication = serializers.IntegerField(required=False, allow_null=True, **SCORE)
    value = serializers.IntegerField(required=False, allow_null=True, **SCORE)
    text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_REVIEW_TEXT
    )


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    listing = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "booking_id",
            "side",
            "author",
            "provider_id",
            "provider",
            "listing",
            "rating",
            "professionalism",
            "communication",
            "value",
            "text",
            "status",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_author(self, review: Review) -> dict:
        return person(review.author)

    @extend_schema_field(ProviderRefSerializer)
    def get_provider(self, review: Review) -> dict:
        return provider_ref(review.provider)

    def get_listing(self, review: Review) -> dict:
        listing = review.booking.listing
        return {"id": listing.pk, "title": listing.title}


class ReviewSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    rating = serializers.DecimalField(3, 2, allow_null=True, coerce_to_string=False)
    professionalism = serializers.DecimalField(3, 2, allow_null=True, coerce_to_string=False)
    communication = serializers.DecimalField(3, 2, allow_null=True, coerce_to_string=False)
    value = serializers.DecimalField(3, 2, allow_null=True, coerce_to_string=False)


class ProviderReviewPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    summary = ReviewSummarySerializer()
    results = ReviewSerializer(many=True)


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(["uphold", "dismiss"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AppealInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class DecideAppealInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(["reinstate", "reject"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReviewReportSerializer(serializers.ModelSerializer):
    review = ReviewSerializer()
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = ReviewReport
        fields = [
            "id",
            "review",
            "reporter",
            "reason",
            "status",
            "decision_note",
            "decided_at",
            "appeal_text",
            "appealed_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_reporter(self, report: ReviewReport) -> dict:
        return person(report.reporter)


class BookingReviewsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The booking's reviews (both sides, removed ones included), for its parties.",
        responses={200: ReviewSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, booking_id: int):
        found = review_list_of_booking(viewer=request.user, booking_id=booking_id)
        return Response(ReviewSerializer(found, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Review the other side of a completed booking (once per side).",
        description="The customer rates the provider (this feeds the provider's rating), the "
        "provider rates the customer. Allowed once the booking is completed (a live session "
        "that billed a minute, a delivered product) and within the listing type's "
        "`review_window_days` (default 30) of completion.",
        request=ReviewInputSerializer,
        responses={
            201: ReviewSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: WRONG_ACTOR,
            404: NOT_FOUND,
            409: error("`not_completed`, `already_reviewed`, `review_window_closed`."),
        },
        examples=[
            OpenApiExample(
                "A glowing review",
                value={
                    "rating": 5,
                    "professionalism": 5,
                    "communication": 4,
                    "value": 5,
                    "text": "Spectacular fire show, guests loved it.",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = validated(ReviewInputSerializer, request.data).validated_data
        review = reviews.review_create(actor=request.user, booking_id=booking_id, **data)
        return Response(
            ReviewSerializer(review_get(review_id=review.pk)).data, status=status.HTTP_201_CREATED
        )


class ProviderReviewsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A provider's published reviews by customers, newest first, with a summary.",
        description="`summary` holds the number of reviews and the averages (2 decimals) of "
        "the rating and of each sub-rating, over all published reviews, not just this page.",
        parameters=PAGE_PARAMETERS,
        responses={200: ProviderReviewPageSerializer, 404: NOT_FOUND},
    )
    def get(self, request, provider_id: int):
        feed, summary = review_list_of_provider(provider=provider_id)
        response = paginated(self, request, feed, ReviewSerializer)
        response.data["summary"] = summary
        return response


class ReviewReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Report a published review to the marketplace's staff (once per reporter).",
        request=ReportInputSerializer,
        responses={
            201: ReviewReportSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: error("`own_review`: you wrote it."),
            404: NOT_FOUND,
            409: error("`already_reported`, `wrong_state` (the review is removed)."),
        },
        examples=[
            OpenApiExample(
                "Abusive text",
                value={"reason": "Contains a phone number and insults."},
                request_only=True,
            )
        ],
    )
    def post(self, request, review_id: int):
        data = validated(ReportInputSerializer, request.data).validated_data
        report = reviews.review_report_create(
            actor=request.user, review_id=review_id, reason=data["reason"]
        )
        return Response(
            ReviewReportSerializer(review_report_get(report_id=report.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ReviewReportListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Staff: reports of reviews, oldest first.",
        parameters=[
            OpenApiParameter("status", str, enum=ReviewReport.Status.values),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: page_of(ReviewReportSerializer),
            400: INVALID,
            401: UNAUTHENTICATED,
            403: STAFF_ONLY,
        },
    )
    def get(self, request):
        found = review_report_list(
            viewer=request.user, status=request.query_params.get("status") or None
        )
        return paginated(self, request, found, ReviewReportSerializer)


class ReviewReportDecideView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Staff: decide an open report; `uphold` removes the review, `dismiss` keeps it.",
        request=DecideInputSerializer,
        responses={
            200: ReviewReportSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: STAFF_ONLY,
            404: NOT_FOUND,
            409: WRONG_STATE,
        },
        examples=[
            OpenApiExample(
                "Remove it",
                value={"decision": "uphold", "note": "Personal data in the text."},
                request_only=True,
            )
        ],
    )
    def post(self, request, report_id: int):
        data = validated(DecideInputSerializer, request.data).validated_data
        reviews.review_report_decide(actor=request.user, report_id=report_id, **data)
        return Response(ReviewReportSerializer(review_report_get(report_id=report_id)).data)


class ReviewReportAppealView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The removed review's author appeals the upheld report (once).",
        request=AppealInputSerializer,
        responses={
            200: ReviewReportSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: WRONG_ACTOR,
            404: NOT_FOUND,
            409: WRONG_STATE,
        },
    )
    def post(self, request, report_id: int):
        data = validated(AppealInputSerializer, request.data).validated_data
        reviews.review_report_appeal(actor=request.user, report_id=report_id, text=data["text"])
        return Response(ReviewReportSerializer(review_report_get(report_id=report_id)).data)


class ReviewReportDecideAppealView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Staff: decide an appeal; `reinstate` publishes the review again.",
        request=DecideAppealInputSerializer,
        responses={
            200: ReviewReportSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: STAFF_ONLY,
            404: NOT_FOUND,
            409: WRONG_STATE,
        },
    )
    def post(self, request, report_id: int):
        data = validated(DecideAppealInputSerializer, request.data).validated_data
        reviews.review_report_decide_appeal(actor=request.user, report_id=report_id, **data)
        return Response(ReviewReportSerializer(review_report_get(report_id=report_id)).data)
