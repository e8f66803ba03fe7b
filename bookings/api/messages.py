"""Threads and messages between the two parties of a booking or an inquiry. Only the two
parties see a thread (staff: read-only); anyone else gets 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated, whole_number
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.parsers import JSONParser
from api.responses import INVALID, NOT_FOUND, UNAUTHENTICATED, error
from bookings.api.messages_serializers import (
    InquiryStartedSerializer,
    InquiryStartSerializer,
    MessageInputSerializer,
    MessagePageSerializer,
    MessageSerializer,
    ReadInputSerializer,
    ReadResultSerializer,
    ThreadSerializer,
)
from bookings.api.serializers import UnreadTotalSerializer
from bookings.files import file_download
from bookings.selectors import messages as selectors
from bookings.selectors.bookings import booking_get
from bookings.services import messages as message_services
from config.errors import InvalidInput, NotFound

TAGS = ["messages"]
STAFF_READ_ONLY = error("`staff_read_only`: staff may read a thread but not write in it.")
RATE_LIMITED = error(
    "`message_rate_limited`: too many messages; `details.retry_after` is the wait in seconds."
)
SELF = error("`own_listing`: you cannot message yourself.")


def _thread_data(request, thread) -> dict:
    selectors.attach_last_messages([thread])
    return ThreadSerializer(thread, context={"request": request}).data


def _message_id(request, name: str) -> int | None:
    """A message id (or a page size) from the query; None when it was not sent."""
    value = request.query_params.get(name)
    if value is None:
        return None
    found = whole_number(value)
    if found is None:
        raise InvalidInput(
            _("“%(name)s” must be a message id.") % {"name": name},
            code="invalid_cursor",
            details={name: [_("Not an id.")]},
        )
    return found


def _message_data(request, thread, message) -> dict:
    return MessageSerializer(message, context={"request": request, "thread": thread}).data


class ThreadListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your conversations, most recent activity first, with unread counts.",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(ThreadSerializer), 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return paginated(
            self,
            request,
            selectors.thread_list(viewer=request.user),
            ThreadSerializer,
            prepare=selectors.attach_last_messages,
            context={"request": request},
        )

    @extend_schema(
        tags=TAGS,
        summary="Ask a provider about a listing (or about themselves) before booking.",
        description="Starts your inquiry thread with that provider about that listing, or "
        "adds to it if you already have one (then 200 and `created: false`).",
        request=InquiryStartSerializer,
        responses={
            201: InquiryStartedSerializer,
            200: InquiryStartedSerializer,
            400: INVALID,
            404: NOT_FOUND,
            422: SELF,
            429: RATE_LIMITED,
        },
        examples=[
            OpenApiExample(
                "About a listing",
                value={"listing_id": 12, "body": "Are you free on 12 June?"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = validated(InquiryStartSerializer, request.data).validated_data
        thread, message, created = message_services.thread_inquiry_start(
            actor=request.user,
            listing_id=data.get("listing_id"),
            provider_id=data.get("provider_id"),
            body=data["body"],
        )
        thread, _ = selectors.thread_get(viewer=request.user, thread_id=thread.pk)
        body = {
            "thread": _thread_data(request, thread),
            "message": _message_data(request, thread, message),
            "created": created,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ThreadUnreadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="How many messages you have not read, in all your conversations.",
        responses={200: UnreadTotalSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response({"unread": selectors.thread_unread_total(viewer=request.user)})


class ThreadDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="One conversation.",
        responses={200: ThreadSerializer, 404: NOT_FOUND},
    )
    def get(self, request, thread_id: int):
        thread, _ = selectors.thread_get(viewer=request.user, thread_id=thread_id)
        return Response(_thread_data(request, thread))


class BookingThreadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The conversation of a booking.",
        responses={200: ThreadSerializer, 404: NOT_FOUND},
    )
    def get(self, request, booking_id: int):
        booking, _role = booking_get(viewer=request.user, booking_id=booking_id)
        thread_id = selectors.thread_id_of_booking(booking_id=booking.pk)
        if thread_id is None:
            raise NotFound(_("This booking has no conversation."), code="thread_not_found")
        thread, _role = selectors.thread_get(viewer=request.user, thread_id=thread_id)
        return Response(_thread_data(request, thread))


class ThreadMessagesView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        summary="Messages of a conversation, a page at a time (oldest to newest in a page).",
        description="Without a cursor: the newest `limit` messages. `before=<id>` pages back "
        "to older messages, `after=<id>` fetches newer ones. Contact details are hidden in "
        "bodies (for both sides) while the marketplace masks them and the booking is unpaid.",
        parameters=[
            OpenApiParameter(
                "before",
                {"type": "integer", "minimum": 0},
                description="Messages older than this id; mutually exclusive with after "
                "(both: 400 `invalid_cursor`).",
            ),
            OpenApiParameter(
                "after",
                {"type": "integer", "minimum": 0},
                description="Messages newer than this id; mutually exclusive with before "
                "(both: 400 `invalid_cursor`).",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 0},
                description="Page size: 0 means the default 50; more than 100 gives 100.",
            ),
        ],
        responses={200: MessagePageSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def get(self, request, thread_id: int):
        thread, _role = selectors.thread_get(viewer=request.user, thread_id=thread_id)
        before, after = _message_id(request, "before"), _message_id(request, "after")
        if before is not None and after is not None:
            raise InvalidInput(
                _("Use either before or after, not both."),
                code="invalid_cursor",
                details={"after": [_("Not with before.")]},
            )
        page = selectors.message_page(
            thread=thread, before=before, after=after, limit=_message_id(request, "limit")
        )
        context = {"request": request, "thread": thread}
        masking = selectors.message_masking_for(thread=thread, viewer=request.user)
        return Response(
            {
                "results": MessageSerializer(page.messages, many=True, context=context).data,
                "has_older": page.has_older,
                "has_newer": page.has_newer,
                "read_by_other_up_to": thread.read_by_other_up_to,
                "contact_details_hidden": masking is not None,
            }
        )

    @extend_schema(
        tags=TAGS,
        summary="Write in a conversation: JSON {body}, or multipart with an attachment.",
        request={
            "application/json": MessageInputSerializer,
            "multipart/form-data": MessageInputSerializer,
        },
        responses={
            201: MessageSerializer,
            400: INVALID,
            403: STAFF_READ_ONLY,
            404: NOT_FOUND,
            429: RATE_LIMITED,
        },
    )
    def post(self, request, thread_id: int):
        data = validated(MessageInputSerializer, request.data).validated_data
        message = message_services.message_send(
            actor=request.user,
            thread_id=thread_id,
            body=data.get("body"),
            upload=data.get("attachment"),
        )
        thread, _ = selectors.thread_get(viewer=request.user, thread_id=thread_id)
        return Response(_message_data(request, thread, message), status=status.HTTP_201_CREATED)


class MessageAttachmentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Download a message's attachment (the thread's parties and staff only).",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in its own content type."
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request, thread_id: int, message_id: int):
        message = selectors.message_attachment_get(
            viewer=request.user, thread_id=thread_id, message_id=message_id
        )
        return file_download(
            message.attachment, name=message.attachment_name, content_type=message.attachment_type
        )


class ThreadReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Read receipt: you have read the conversation up to a message (default: all).",
        request=ReadInputSerializer,
        responses={
            200: ReadResultSerializer,
            400: INVALID,
            403: STAFF_READ_ONLY,
            404: NOT_FOUND,
        },
    )
    def post(self, request, thread_id: int):
        data = validated(ReadInputSerializer, request.data).validated_data
        mark = message_services.thread_mark_read(
            actor=request.user, thread_id=thread_id, up_to=data.get("up_to")
        )
        return Response(
            {
                "last_read_message_id": mark.last_read_message_id,
                "unread_total": selectors.thread_unread_total(viewer=request.user),
            }
        )
