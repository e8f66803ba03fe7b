"""Event tickets over the API: a booking's holders, the printable page, QR images, check-in
at the door and the organiser's figures.

A ticket's page and QR image are open to whoever knows its code (a random bearer secret of 96
bits that the buyer receives by e-mail), so a forwarded ticket works without an account; they
are sent with ``no-store`` and ``no-referrer``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from bookings.api.raw import RawView
from bookings.models import Attendee
from bookings.selectors import tickets
from bookings.selectors.ticket_pdf import ticket_pdf
from bookings.services.tickets import ticket_check_in

TAGS = ["tickets"]


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TicketLinksSerializer(serializers.Serializer):
    page = serializers.URLField()
    qr_png = serializers.URLField()
    qr_svg = serializers.URLField()
    pdf = serializers.URLField()


class TicketSerializer(serializers.ModelSerializer):
    tier = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Attendee
        fields = ["id", "name", "email", "code", "tier", "checked_in_at", "links"]

    @extend_schema_field(RefSerializer)
    def get_tier(self, attendee) -> dict:
        return {"id": attendee.tier_id, "name": attendee.tier.name}

    @extend_schema_field(TicketLinksSerializer)
    def get_links(self, attendee) -> dict:
        request = self.context["request"]
        return {
            name: request.build_absolute_uri(path)
            for name, path in tickets.ticket_paths(code=attendee.code).items()
        }


class BookingTicketsSerializer(serializers.Serializer):
    booking_id = serializers.IntegerField()
    state = serializers.CharField()
    valid = serializers.BooleanField(help_text="Whether the tickets are issued (valid).")
    tickets = TicketSerializer(many=True)


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="The code the QR image encodes.")


class CheckedInSerializer(serializers.ModelSerializer):
    tier = serializers.SerializerMethodField()
    booking_number = serializers.CharField(source="booking.number")
    event = serializers.CharField(source="booking.listing.title")

    class Meta:
        model = Attendee
        fields = ["id", "name", "code", "tier", "booking_number", "event", "checked_in_at"]

    @extend_schema_field(RefSerializer)
    def get_tier(self, attendee) -> dict:
        return {"id": attendee.tier_id, "name": attendee.tier.name}


class TierFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    price_minor = serializers.IntegerField(required=False)
    capacity = serializers.IntegerField()
    held = serializers.IntegerField(help_text="Reserved, awaiting payment.")
    sold = serializers.IntegerField(help_text="Paid for (issued) tickets.")
    remaining = serializers.IntegerField()
    orders = serializers.IntegerField()
    gross_minor = serializers.IntegerField(help_text="Ticket prices of sold tickets.")
    buyer_fees_minor = serializers.IntegerField()
    buyer_total_minor = serializers.IntegerField(help_text="What buyers paid, fees included.")
    organiser_payout_minor = serializers.IntegerField()
    checked_in = serializers.IntegerField()


class TicketMetricsSerializer(serializers.Serializer):
    listing_id = serializers.IntegerField()
    currency = serializers.CharField()
    tiers = TierFiguresSerializer(many=True)
    totals = TierFiguresSerializer()


class BookingTicketsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A ticket booking's tickets: holders, codes, page and QR links (once issued).",
        responses={200: BookingTicketsSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, booking_id: int):
        booking, holders = tickets.ticket_list_of_booking(
            viewer=request.user, booking_id=booking_id
        )
        return Response(
            {
                "booking_id": booking.pk,
                "state": booking.state,
                "valid": booking.state == tickets.VALID_STATE,
                "tickets": TicketSerializer(holders, many=True, context={"request": request}).data,
            }
        )


class TicketPageView(RawView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAGS,
        summary="The printable ticket page (HTML, QR code inline); the code is the key.",
        description="No login: the code is a random bearer secret e-mailed to the buyer. "
        "Only issued tickets are shown; anything else is 404 (JSON error).",
        responses={(200, "text/html"): OpenApiTypes.STR, 404: NOT_FOUND},
    )
    def get(self, request, code: str):
        attendee = tickets.ticket_get(code=code)
        qr = tickets.ticket_qr(code=attendee.code, kind="svg", scale=6).decode()
        page = render_to_string(
            "bookings/tickets/page.html",
            # The SVG is segno's output for a code of URL-safe characters only.
            {"ticket": tickets.ticket_view_get(attendee=attendee), "qr_svg": mark_safe(qr)},  # noqa: S308
            request=request,
        )
        return HttpResponse(page, content_type="text/html; charset=utf-8")


class TicketPDFView(RawView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAGS,
        summary="The ticket as a one-page PDF (A6, QR code and readable code), to print or keep.",
        description="No login: the code is the key, as for the ticket's page. In the request's "
        "language (Accept-Language, else the marketplace's); Arabic reads right to left.",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, code: str):
        attendee = tickets.ticket_get(code=code)
        pdf = ticket_pdf(ticket=tickets.ticket_view_get(attendee=attendee), language=get_language())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="ticket-{attendee.code}.pdf"'
        return response


class TicketQRView(RawView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAGS,
        summary="The ticket's QR image (PNG or SVG), encoding its code.",
        operation_id="tickets_qr_retrieve",
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.STR,
            404: NOT_FOUND,
        },
    )
    def get(self, request, code: str, kind: str):
        attendee = tickets.ticket_get(code=code)
        return HttpResponse(
            tickets.ticket_qr(code=attendee.code, kind=kind), content_type=tickets.QR_KINDS[kind]
        )


class CheckInView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Check a ticket in at the door (the event's organiser or staff); once only.",
        request=CheckInSerializer,
        responses={
            200: CheckedInSerializer,
            400: error("`invalid`: no code."),
            401: UNAUTHENTICATED,
            404: error("`ticket_not_found`: unknown, or another organiser's event."),
            409: OpenApiResponse(
                CheckedInSerializer,
                description="`ticket_not_valid` (not issued: reserved, released, cancelled) "
                "or `already_checked_in` (details carry the first scan's time).",
                examples=[
                    OpenApiExample(
                        "Second scan",
                        value={
                            "error": "already_checked_in",
                            "message": "This ticket has already been checked in.",
                            "details": {
                                "checked_in_at": "2027-06-12T19:04:11+00:00",
                                "checked_in_by": 12,
                            },
                        },
                    )
                ],
            ),
        },
    )
    def post(self, request):
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attendee = ticket_check_in(actor=request.user, code=data.validated_data["code"])
        return Response(CheckedInSerializer(attendee).data)


class TicketMetricsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="An event's figures per tier: capacity, held, sold, remaining, revenue, "
        "checked in (the organiser or staff).",
        responses={
            200: TicketMetricsSerializer,
            401: UNAUTHENTICATED,
            403: error("`forbidden`: not the organiser."),
            404: NOT_FOUND,
        },
    )
    def get(self, request, listing_id: int):
        return Response(tickets.ticket_metrics_get(viewer=request.user, listing_id=listing_id))
