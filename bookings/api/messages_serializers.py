"""Shapes of threads and messages; bodies come masked from bookings.selectors.messages.

Context: ``request`` (its user is the viewer) and, for messages, ``thread`` (annotated by
bookings.selectors.messages with the viewer's read state).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from bookings.selectors.messages import (
    ThreadWithReadState,
    message_body_for,
    message_masking_for,
    thread_role_get,
)
from bookings.services.messages import MAX_BODY
from catalog.api.serializers import ProviderRefSerializer, provider_ref


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    size_bytes = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.URLField(help_text="Download link; only the thread's parties and staff.")


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    sender_id = serializers.IntegerField()
    from_you = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(
        help_text="As written, except that e-mail addresses and phone numbers are replaced "
        "while the marketplace masks contact details and the booking is not paid."
    )
    masked = serializers.SerializerMethodField(help_text="Whether anything was hidden.")
    attachment = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField(
        help_text="Your messages: whether the other side has read it. Theirs: whether you have."
    )
    created_at = serializers.DateTimeField()

    def _thread(self, message) -> ThreadWithReadState:
        return self.context["thread"]

    def _viewer(self):
        return self.context["request"].user

    def _masked_body(self, message) -> tuple[str, bool]:
        return message_body_for(
            message=message, thread=self._thread(message), viewer=self._viewer()
        )

    def get_from_you(self, message) -> bool:
        return message.sender_id == self._viewer().pk

    def get_body(self, message) -> str:
        return self._masked_body(message)[0]

    def get_masked(self, message) -> bool:
        return self._masked_body(message)[1]

    @extend_schema_field(AttachmentSerializer(allow_null=True))
    def get_attachment(self, message) -> dict | None:
        if not message.attachment:
            return None
        path = reverse(
            "api:thread-message-attachment",
            kwargs={"thread_id": message.thread_id, "message_id": message.pk},
        )
        return {
            "name": message.attachment_name,
            "size_bytes": message.attachment_size,
            "content_type": message.attachment_type,
            "url": self.context["request"].build_absolute_uri(path),
        }

    def get_read(self, message) -> bool:
        thread = self._thread(message)
        if message.sender_id == self._viewer().pk:
            return message.pk <= thread.read_by_other_up_to
        return message.pk <= thread.my_read_up_to


class ThreadListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ThreadBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()


class ThreadPartySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="User id.")
    display_name = serializers.CharField()


class ThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    booking = serializers.SerializerMethodField()
    listing = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    customer = serializers.SerializerMethodField()
    your_role = serializers.SerializerMethodField()
    unread_count = serializers.IntegerField(help_text="Messages from the other side unread.")
    read_by_other_up_to = serializers.IntegerField(
        help_text="Id of the newest message the other side has read (0: none)."
    )
    contact_details_hidden = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(ThreadBookingSerializer(allow_null=True))
    def get_booking(self, thread) -> dict | None:
        booking = thread.booking if thread.booking_id else None
        if booking is None:
            return None
        return {"id": booking.pk, "number": booking.number, "state": booking.state}

    @extend_schema_field(ThreadListingSerializer(allow_null=True))
    def get_listing(self, thread) -> dict | None:
        listing = thread.listing or (thread.booking.listing if thread.booking_id else None)
        return None if listing is None else {"id": listing.pk, "title": listing.title}

    @extend_schema_field(ProviderRefSerializer)
    def get_provider(self, thread) -> dict | None:
        return provider_ref(thread.provider)

    @extend_schema_field(ThreadPartySerializer)
    def get_customer(self, thread) -> dict | None:
        customer = thread.customer
        return {"id": customer.pk, "display_name": customer.display_name or "Customer"}

    def get_your_role(self, thread) -> str | None:
        return thread_role_get(thread=thread, viewer=self.context["request"].user)

    def get_contact_details_hidden(self, thread) -> bool:
        viewer = self.context["request"].user
        return message_masking_for(thread=thread, viewer=viewer) is not None

    @extend_schema_field(MessageSerializer(allow_null=True))
    def get_last_message(self, thread) -> dict | None:
        message = getattr(thread, "last_message", None)
        if message is None:
            return None
        return MessageSerializer(message, context={**self.context, "thread": thread}).data


class InquiryStartSerializer(serializers.Serializer):
    listing_id = fields.row_id(required=False, allow_null=True)
    provider_id = fields.row_id(
        required=False, allow_null=True, help_text="A provider profile id (no listing)."
    )
    body = serializers.CharField(max_length=MAX_BODY, allow_blank=False, trim_whitespace=True)


class InquiryStartedSerializer(serializers.Serializer):
    thread = ThreadSerializer()
    message = MessageSerializer()
    created = serializers.BooleanField(help_text="False when your existing inquiry was reused.")


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_BODY, required=False, allow_blank=True, default="")
    attachment = serializers.FileField(
        required=False, help_text="Multipart only: an image (JPEG, PNG, WebP, GIF) or a PDF."
    )


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    has_older = serializers.BooleanField()
    has_newer = serializers.BooleanField()
    read_by_other_up_to = serializers.IntegerField()
    contact_details_hidden = serializers.BooleanField()


class ReadInputSerializer(serializers.Serializer):
    up_to = fields.row_id(
        required=False, min_value=0, help_text="A message id; default: the newest message."
    )


class ReadResultSerializer(serializers.Serializer):
    last_read_message_id = serializers.IntegerField()
    unread_total = serializers.IntegerField(help_text="Your unread messages in all threads.")
