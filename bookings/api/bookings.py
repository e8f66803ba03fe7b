"""Bookings: make one, list and read yours, take a step of its process."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from bookings.api.serializers import (
    BookingCreateSerializer,
    BookingEventSerializer,
    BookingSerializer,
    TransitionInputSerializer,
)
from bookings.selectors.bookings import booking_event_list, booking_get, booking_list
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.steps import step_of
from bookings.services.transitions import booking_transition
from config.errors import StateConflict

TAGS = ["bookings"]
CONFLICT = error("`wrong_state`, `slot_taken`, `sold_out`, `out_of_stock`, …: 409.")
FORBIDDEN = error("`wrong_actor`: your side may not take this step.")
RULE = error(
    "`no_revisions_left`, `insufficient_balance`, `own_listing`, `hold_limit`, `unit_limit`, "
    "…: 422."
)
THROTTLED = error(
    "`throttled`: past the marketplace's bookings per customer per hour; `details.limit`, "
    "`details.retry_after` (seconds, also the Retry-After header)."
)


def _detail(request, booking) -> dict:
    return BookingSerializer(booking, context={"request": request}).data


class BookingListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your bookings, newest first (staff: all of the marketplace's).",
        parameters=[
            OpenApiParameter("role", str, enum=["customer", "provider"]),
            OpenApiParameter("state", str),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of(BookingSerializer), 401: UNAUTHENTICATED},
    )
    def get(self, request):
        queryset = booking_list(
            viewer=request.user,
            role=request.query_params.get("role") or None,
            state=request.query_params.get("state") or None,
        )
        return paginated(self, request, queryset, BookingSerializer, context={"request": request})

    @extend_schema(
        tags=TAGS,
        summary="Book a published listing: a date, a quote request, a package, tickets, a "
        "live session or a product, as its listing type says.",
        description="Tickets are named either as `tickets` (several tiers, each once) or as "
        "`ticket_tier_id` with `quantity` (one tier), not both: 400 `invalid`. An order that "
        "a tier cannot hold is refused whole (409 `sold_out`, naming the tier).",
        request=BookingCreateSerializer,
        responses={
            201: BookingSerializer,
            400: error("Bad input (`invalid_package`, `package_archived`, …)."),
            404: NOT_FOUND,
            409: CONFLICT,
            422: RULE,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "A performer for an evening",
                value={
                    "listing_id": 12,
                    "starts_at": "2027-06-12T19:00:00+01:00",
                    "ends_at": "2027-06-12T21:00:00+01:00",
                    "note": "Garden party, 80 guests.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Two tickets",
                value={"listing_id": 40, "ticket_tier_id": 3, "quantity": 2},
                request_only=True,
            ),
            OpenApiExample(
                "Tickets of two tiers in one order",
                value={
                    "listing_id": 40,
                    "tickets": [{"tier_id": 3, "quantity": 2}, {"tier_id": 4, "quantity": 1}],
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        data = validated(BookingCreateSerializer, request.data).validated_data
        booking = booking_create(actor=request.user, request=BookingRequest(**data))
        booking, _ = booking_get(viewer=request.user, booking_id=booking.pk)
        return Response(_detail(request, booking), status=status.HTTP_201_CREATED)


class BookingDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="One booking, with the steps your side may take now.",
        responses={200: BookingSerializer, 404: NOT_FOUND},
    )
    def get(self, request, booking_id: int):
        booking, _ = booking_get(viewer=request.user, booking_id=booking_id)
        return Response(_detail(request, booking))


class BookingTransitionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Take a step of the booking's process (accept, decline, quote, cancel, …).",
        description="The steps your side may take now are in the booking's "
        "`available_transitions`. A quote carries `price_minor`; a decline or cancellation "
        "may carry a `reason`; a revision request a `message`.",
        request=TransitionInputSerializer,
        responses={
            200: BookingSerializer,
            400: error("Bad input."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: RULE,
        },
    )
    def post(self, request, booking_id: int, transition: str):
        data = validated(TransitionInputSerializer, request.data).validated_data
        # Steps that carry files or open a case have their own endpoint.
        endpoint = step_of(transition).endpoint
        if endpoint:
            booking_get(viewer=request.user, booking_id=booking_id)  # 404 first for strangers
            raise StateConflict(
                _("Use %(endpoint)s for this step.") % {"endpoint": endpoint.format(id=booking_id)},
                code="use_dedicated_endpoint",
            )
        booking_transition(
            booking_id=booking_id, transition=transition, actor=request.user, data=data
        )
        booking, _role = booking_get(viewer=request.user, booking_id=booking_id)
        return Response(_detail(request, booking))


class BookingEventListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The booking's history: every step, who took it and when.",
        responses={200: BookingEventSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, booking_id: int):
        booking, _ = booking_get(viewer=request.user, booking_id=booking_id)
        events = booking_event_list(booking=booking)
        return Response(BookingEventSerializer(events, many=True).data)
