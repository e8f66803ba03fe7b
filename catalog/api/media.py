"""Media API: photos and videos of the provider's own profile and of listings.

Uploads are multipart (`file`, optional `caption`); what a file is comes from its bytes.
Videos and small still images are ready at once (201); animations and larger images are checked
from their headers and answered 202 with `status: "processing"` and no URLs, while a worker
re-encodes them; they then become `ready` (URLs, thumbnails, visible to everyone) or `failed`
(`failure_reason`, seen only by their owner).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.parsers import JSONParser
from api.permissions import IsProvider

# One component for the shared error shape in the schema.
from api.responses import ErrorSerializer
from catalog.models import MediaItem
from catalog.selectors.media import (
    MediaOwner,
    listing_for_media,
    media_get,
    media_visible,
    own_profile,
)
from catalog.services.media import media_add, media_delete, media_reorder, media_set_primary
from config.errors import InvalidInput

# Serializers


class MediaItemSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Null until the item is `ready`: a processing upload has no public file."
    )
    thumbnails = serializers.SerializerMethodField()

    class Meta:
        model = MediaItem
        fields = [
            "id",
            "kind",
            "content_type",
            "size_bytes",
            "width",
            "height",
            "caption",
            "position",
            "is_primary",
            "status",
            "failure_reason",
            "url",
            "thumbnails",
            "created_at",
        ]
        read_only_fields = fields

    def _absolute(self, name: str | None) -> str:
        # The storage gives /media/<schema>/... on disk or a full S3 URL; both pass through.
        url = MediaItem._meta.get_field("file").storage.url(name)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, item: MediaItem) -> str | None:
        if item.status != MediaItem.Status.READY:
            return None
        return self._absolute(item.file.name)

    def get_thumbnails(self, item: MediaItem) -> dict[str, str]:
        """URLs by size name (`small`, `medium`, `large`); empty for videos and until `ready`."""
        if item.status != MediaItem.Status.READY:
            return {}
        return {size: self._absolute(name) for size, name in item.thumbnails.items()}


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP or GIF image; MP4, MOV or WebM video.")
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MediaOrderSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=fields.row_id(min_value=1),
        allow_empty=True,
        help_text="Every media item id of this owner, in the new order.",
    )


ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="`unsupported_media`, `file_too_large`, `corrupt_image`, "
        "`image_too_large_dimensions`, `invalid_order`, `invalid`.",
        examples=[
            OpenApiExample(
                "Too large",
                value={
                    "error": "file_too_large",
                    "message": "This image is larger than the limit of 10 MB.",
                    "details": {"kind": "image", "max_bytes": 10485760},
                },
            )
        ],
    ),
    403: OpenApiResponse(ErrorSerializer, description="Not the owner of this profile/listing."),
    404: OpenApiResponse(ErrorSerializer, description="No such listing or media item here."),
    422: OpenApiResponse(ErrorSerializer, description="`too_many_media`."),
}
NOT_READY = {
    409: OpenApiResponse(
        ErrorSerializer, description="`media_not_ready`: only a ready item can be primary."
    )
}

UPLOADED = {
    201: OpenApiResponse(
        MediaItemSerializer,
        description="Stored and ready (`status: ready`): a video, or a still image of at most "
        "SOUK_MEDIA_SYNC_MAX_PIXELS pixels, processed in the request.",
    ),
    202: OpenApiResponse(
        MediaItemSerializer,
        description="Accepted for processing (`status: processing`, `url` null, no thumbnails): "
        "an animation or a larger image passed every limit from its headers and is re-encoded "
        "by a worker. Poll the owner's media list: it becomes `ready`, or `failed` with a "
        "`failure_reason`; only then is it shown to others.",
        examples=[
            OpenApiExample(
                "Processing",
                value={
                    "id": 41,
                    "kind": "image",
                    "content_type": "image/gif",
                    "size_bytes": 2250112,
                    "width": 800,
                    "height": 600,
                    "caption": "",
                    "position": 3,
                    "is_primary": False,
                    "status": "processing",
                    "failure_reason": "",
                    "url": None,
                    "thumbnails": {},
                    "created_at": "2026-12-06T07:00:00Z",
                },
            )
        ],
    ),
}


def _media_response(request, items, status_code=status.HTTP_200_OK):
    many = not isinstance(items, MediaItem)
    data = MediaItemSerializer(items, many=many, context={"request": request}).data
    return Response(data, status=status_code)


# Docstrings of these views become operation descriptions in the OpenAPI schema.
class _MediaOwnerView(APIView):
    # Each owner's view (profile, listing, staff) defines it.
    get_owner: Callable[..., MediaOwner]


class _MediaCollection(_MediaOwnerView):
    """Media of one owner; subclasses define ``get_owner(request, **kwargs)``."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get(self, request, **kwargs):
        owner = self.get_owner(request, **kwargs)
        items = media_visible(owner=owner, viewer=request.user)
        return _media_response(request, list(items))

    def post(self, request, **kwargs):
        owner = self.get_owner(request, **kwargs)
        upload = MediaUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        item = media_add(
            owner=owner,
            upload=upload.validated_data["file"],
            actor=request.user,
            caption=upload.validated_data["caption"],
        )
        processing = item.status == MediaItem.Status.PROCESSING
        code = status.HTTP_202_ACCEPTED if processing else status.HTTP_201_CREATED
        return _media_response(request, item, code)

    def patch(self, request, **kwargs):
        owner = self.get_owner(request, **kwargs)
        order = MediaOrderSerializer(data=request.data)
        if not order.is_valid():
            raise InvalidInput(_('Send {"ids": [...]}.'), details=order.errors)
        items = media_reorder(
            owner=owner, ordered_ids=order.validated_data["ids"], actor=request.user
        )
        return _media_response(request, items)


class _MediaItemBase(_MediaOwnerView):
    """One media item of one owner; subclasses define ``get_owner(request, **kwargs)``."""

    def get_item(self, request, media_id, **kwargs) -> MediaItem:
        return media_get(owner=self.get_owner(request, **kwargs), media_id=media_id)


class _MediaItemView(_MediaItemBase):
    def delete(self, request, media_id, **kwargs):
        media_delete(item=self.get_item(request, media_id, **kwargs), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _MediaPrimaryView(_MediaItemBase):
    def post(self, request, media_id, **kwargs):
        item = media_set_primary(
            item=self.get_item(request, media_id, **kwargs), actor=request.user
        )
        return _media_response(request, item)


# The provider's own profile


class _OwnProfile(_MediaOwnerView):
    permission_classes = [IsProvider]

    def get_owner(self, request, **kwargs):
        return own_profile(user=request.user)


TAG_PROFILE = ["provider profile media"]
TAG_LISTING = ["listing media"]


@extend_schema(tags=TAG_PROFILE)
@extend_schema_view(
    get=extend_schema(
        summary="My profile's media", responses={200: MediaItemSerializer(many=True)}
    ),
    post=extend_schema(
        summary="Upload a photo or video to my profile",
        request={"multipart/form-data": MediaUploadSerializer},
        responses={**UPLOADED, **ERRORS},
    ),
    patch=extend_schema(
        summary="Reorder my profile's media",
        request=MediaOrderSerializer,
        responses={200: MediaItemSerializer(many=True), **ERRORS},
        examples=[OpenApiExample("New order", value={"ids": [12, 9, 10]}, request_only=True)],
    ),
)
class ProfileMediaView(_OwnProfile, _MediaCollection):
    pass


@extend_schema(tags=TAG_PROFILE)
@extend_schema_view(
    delete=extend_schema(
        summary="Delete one of my profile's media", responses={204: None, **ERRORS}
    ),
)
class ProfileMediaItemView(_OwnProfile, _MediaItemView):
    pass


@extend_schema(tags=TAG_PROFILE)
@extend_schema_view(
    post=extend_schema(
        summary="Make this my profile's primary photo",
        request=None,
        responses={200: MediaItemSerializer, **ERRORS, **NOT_READY},
    ),
)
class ProfileMediaPrimaryView(_OwnProfile, _MediaPrimaryView):
    pass


# Listings


class _ListingOwner(_MediaOwnerView):
    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_owner(self, request, **kwargs):
        return listing_for_media(listing_id=kwargs["listing_id"], viewer=request.user)


@extend_schema(tags=TAG_LISTING)
@extend_schema_view(
    get=extend_schema(
        summary="A listing's media",
        description="Anyone for published listings; the owner and staff for the others.",
        responses={200: MediaItemSerializer(many=True), 404: ERRORS[404]},
    ),
    post=extend_schema(
        summary="Upload a photo or video to my listing",
        request={"multipart/form-data": MediaUploadSerializer},
        responses={**UPLOADED, **ERRORS},
    ),
    patch=extend_schema(
        summary="Reorder my listing's media",
        request=MediaOrderSerializer,
        responses={200: MediaItemSerializer(many=True), **ERRORS},
    ),
)
class ListingMediaView(_ListingOwner, _MediaCollection):
    pass


@extend_schema(tags=TAG_LISTING)
@extend_schema_view(
    delete=extend_schema(
        summary="Delete one of my listing's media", responses={204: None, **ERRORS}
    ),
)
class ListingMediaItemView(_ListingOwner, _MediaItemView):
    pass


@extend_schema(tags=TAG_LISTING)
@extend_schema_view(
    post=extend_schema(
        summary="Make this my listing's primary photo",
        request=None,
        responses={200: MediaItemSerializer, **ERRORS, **NOT_READY},
    ),
)
class ListingMediaPrimaryView(_ListingOwner, _MediaPrimaryView):
    pass
