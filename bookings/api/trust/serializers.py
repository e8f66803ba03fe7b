"""Input and output shapes of the review and dispute endpoints."""

from __future__ import annotations

from typing import TypedDict, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from bookings.models import Dispute, DisputeEvidence, Review, ReviewReport
from bookings.services.reviews import MAX_REVIEW_TEXT
from catalog.serializers import ProviderRefSerializer, provider_ref


def _person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name or "Member"}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


# --- Reviews --------------------------------------------------------------------------------


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
        return _person(review.author)

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
        return _person(report.reporter)


# --- Disputes -------------------------------------------------------------------------------


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
        return _person(evidence.author)

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
        return _person(dispute.opened_by)

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
            "customer": _person(booking.customer),
            "currency": booking.currency,
            "paid_minor": booking.paid_minor,
        }
