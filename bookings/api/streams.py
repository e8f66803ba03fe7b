"""Live streams over the API: the provider's streams (with their keys), the viewers' view of
a stream (never its key), joining and leaving as a viewer, and the ingest server's callbacks.

The ingest callbacks are nginx-rtmp's ``on_publish`` / ``on_publish_done``: form-encoded
fields (``call``, ``app``, ``name`` = the stream key, ``addr``, …), the shared secret in the
query (``?secret=``), any 2xx allows and anything else refuses. ``on_publish`` answers 302
with the stream's public playback id as ``Location``: nginx-rtmp then publishes under that
name, so the HLS files are named by it and not by the key.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsProvider
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from api.throttles import ClientScopedRateThrottle
from bookings.selectors.streams import (
    hls_playlist_url,
    provider_stream_get,
    provider_streams,
    stream_get,
    stream_list,
)
from bookings.services import stream_viewers, streams

TAGS = ["streams"]
STATE_CONFLICT = error("`stream_state`: the stream's state does not allow this.")
THROTTLED = error("`throttled`: too many joins and leaves from this client address.")


class StreamSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    provider_id = serializers.IntegerField()
    provider_name = serializers.CharField(source="provider.display_name")
    state = serializers.CharField(help_text="scheduled, live or ended.")
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    viewer_count = serializers.IntegerField(source="current_viewer_count")
    peak_viewer_count = serializers.IntegerField()


class ProviderStreamSerializer(StreamSummarySerializer):
    stream_key = serializers.CharField(help_text="Secret: your broadcasting software's key.")
    playback_id = serializers.CharField()
    hls_url = serializers.SerializerMethodField()

    def get_hls_url(self, stream) -> str | None:
        return hls_playlist_url(stream)


class RecentGiftSerializer(serializers.Serializer):
    sender_name = serializers.CharField()
    gift_name = serializers.CharField()
    icon = serializers.CharField()
    quantity = serializers.IntegerField()
    total_minor = serializers.IntegerField()
    currency = serializers.CharField()
    sent_at = serializers.DateTimeField()


class StreamViewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    provider_id = serializers.IntegerField()
    provider_name = serializers.CharField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    hls_url = serializers.CharField(allow_null=True, help_text="The HLS playlist while live.")
    viewer_count = serializers.IntegerField()
    peak_viewer_count = serializers.IntegerField()
    recent_gifts = RecentGiftSerializer(many=True)


class StreamCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=140)


class ViewerSerializer(serializers.Serializer):
    viewer_token = serializers.RegexField(
        r"^(?:[A-Za-z0-9_-]{16,64})?$",
        required=False,
        default="",
        max_length=64,
        error_messages={"invalid": _("Send a viewer token of 16 to 64 letters, digits, - or _.")},
        help_text="Anonymous viewers: a random token of their own (16 to 64 of A-Z a-z 0-9 - _), "
        "required when not signed in; signed-in viewers are counted as themselves.",
    )


class ViewerCountSerializer(serializers.Serializer):
    viewer_count = serializers.IntegerField()


class StreamListCreateView(APIView):
    def get_permissions(self):
        return [IsProvider()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        summary="Streams that are live or scheduled, newest first.",
        responses={200: StreamSummarySerializer(many=True)},
    )
    def get(self, request):
        return Response(StreamSummarySerializer(stream_list(), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Schedule a stream (providers); the answer carries its secret stream key.",
        request=StreamCreateSerializer,
        responses={
            201: ProviderStreamSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: error("`no_profile`."),
        },
        examples=[
            OpenApiExample("A tarot night", value={"title": "Tarot night"}, request_only=True)
        ],
    )
    def post(self, request):
        data = validated(StreamCreateSerializer, request.data).validated_data
        stream = streams.live_stream_create(actor=request.user, title=data["title"])
        return Response(ProviderStreamSerializer(stream).data, status=status.HTTP_201_CREATED)


class ProviderStreamListView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS,
        summary="Your streams, with their keys.",
        responses={
            200: ProviderStreamSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        return Response(
            ProviderStreamSerializer(provider_streams(actor=request.user), many=True).data
        )


class ProviderStreamDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS,
        summary="One of your streams, with its key.",
        responses={
            200: ProviderStreamSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, stream_id: int):
        stream = provider_stream_get(actor=request.user, stream_id=stream_id)
        return Response(ProviderStreamSerializer(stream).data)


MOVE_RESPONSES = {
    200: ProviderStreamSerializer,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: STATE_CONFLICT,
}


class StreamStartView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS, summary="Start your scheduled stream (it goes live).", request=None,
        responses=MOVE_RESPONSES,
    )  # fmt: skip
    def post(self, request, stream_id: int):
        stream = streams.live_stream_start(actor=request.user, stream_id=stream_id)
        return Response(ProviderStreamSerializer(stream).data)


class StreamEndView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS, summary="End your stream (scheduled or live).", request=None,
        responses=MOVE_RESPONSES,
    )  # fmt: skip
    def post(self, request, stream_id: int):
        stream = streams.live_stream_end(actor=request.user, stream_id=stream_id)
        return Response(ProviderStreamSerializer(stream).data)


class StreamKeyRotateView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS,
        summary="Give your stream a new key; the old one publishes nothing (before the start).",
        request=None,
        responses=MOVE_RESPONSES,
    )
    def post(self, request, stream_id: int):
        stream = streams.live_stream_key_rotate(actor=request.user, stream_id=stream_id)
        return Response(ProviderStreamSerializer(stream).data)


class StreamDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A stream as viewers see it: state, HLS playlist, viewers, recent gifts.",
        responses={200: StreamViewSerializer, 404: NOT_FOUND},
    )
    def get(self, request, stream_id: int):
        return Response(StreamViewSerializer(stream_get(stream_id=stream_id)).data)


class StreamViewerView(APIView):
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "stream_viewer"

    @extend_schema(
        tags=TAGS,
        summary="Join a live stream as a viewer, or stay counted (send about every 30 s).",
        description="Signed-in viewers are counted as themselves; anonymous ones send a "
        "`viewer_token` of their own. A viewer not heard from for SOUK_STREAM_VIEWER_SECONDS "
        "is no longer counted.",
        request=ViewerSerializer,
        responses={
            200: ViewerCountSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: error("`stream_not_live`."),
            429: THROTTLED,
        },
    )
    def post(self, request, stream_id: int):
        token = validated(ViewerSerializer, request.data).validated_data["viewer_token"]
        count = stream_viewers.stream_viewer_join(
            stream_id=stream_id, user=request.user, viewer_token=token
        )
        return Response({"viewer_count": count})


class StreamViewerLeaveView(APIView):
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "stream_viewer"

    @extend_schema(
        tags=TAGS,
        summary="Leave a stream as a viewer.",
        request=ViewerSerializer,
        responses={200: ViewerCountSerializer, 400: INVALID, 404: NOT_FOUND, 429: THROTTLED},
    )
    def post(self, request, stream_id: int):
        token = validated(ViewerSerializer, request.data).validated_data["viewer_token"]
        count = stream_viewers.stream_viewer_leave(
            stream_id=stream_id, user=request.user, viewer_token=token
        )
        return Response({"viewer_count": count})


class IngestCallbackSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The stream key.")
    clientid = serializers.CharField(
        max_length=64, required=False, default="",
        help_text="nginx-rtmp's id of the publishing connection.",
    )  # fmt: skip
    addr = serializers.CharField(max_length=64, required=False, default="")


INGEST_REFUSED = error(
    "`ingest_refused`: wrong secret, unknown key, or a stream that may "
    "not publish (the same answer for each)."
)


class IngestView(APIView):
    # The ingest server proves itself by the secret and the key; it holds no session or token.
    authentication_classes: list = []
    parser_classes = [FormParser]

    def _fields(self, request) -> tuple[str, dict]:
        secret = request.query_params.get("secret", "")
        return secret, validated(IngestCallbackSerializer, request.data).validated_data


class IngestPublishView(IngestView):
    @extend_schema(
        tags=TAGS,
        summary="nginx-rtmp on_publish: may this stream key publish? The stream goes live.",
        description="Form-encoded as nginx-rtmp sends it; `?secret=` is SOUK_INGEST_SECRET. "
        "Answers 302 with the public playback id as Location: nginx-rtmp publishes (and "
        "writes HLS) under that name.",
        request={"application/x-www-form-urlencoded": IngestCallbackSerializer},
        responses={
            302: OpenApiResponse(description="Allowed; Location is the new name."),
            400: INVALID,
            403: INGEST_REFUSED,
        },
    )
    def post(self, request):
        secret, data = self._fields(request)
        playback_id = streams.live_stream_ingest_publish(
            secret=secret, stream_key=data["name"], client_id=data["clientid"],
            client_addr=data["addr"],
        )  # fmt: skip
        return Response(status=status.HTTP_302_FOUND, headers={"Location": playback_id})


class IngestPublishDoneView(IngestView):
    @extend_schema(
        tags=TAGS,
        summary="nginx-rtmp on_publish_done: publishing stopped; the stream ends.",
        request={"application/x-www-form-urlencoded": IngestCallbackSerializer},
        responses={204: None, 400: INVALID, 403: INGEST_REFUSED},
    )
    def post(self, request):
        secret, data = self._fields(request)
        streams.live_stream_ingest_publish_done(
            secret=secret, stream_key=data["name"], client_id=data["clientid"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
