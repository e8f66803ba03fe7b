"""Favorites: any logged-in user saves providers and listings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.responses import NOT_FOUND, UNAUTHENTICATED
from catalog.api.serializers import CategoryBriefSerializer, ProviderSummarySerializer
from catalog.models import Favorite, Listing
from catalog.selectors.favorites import favorite_list
from catalog.services.favorites import favorite_add, favorite_remove


class FavoriteListingSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    provider = ProviderSummarySerializer(read_only=True)

    class Meta:
        model = Listing
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "price_minor",
            "currency",
            "category",
            "provider",
        ]
        read_only_fields = fields


class FavoriteSerializer(serializers.ModelSerializer):
    # A favorite is of a provider or of a listing: the other one is null.
    provider = ProviderSummarySerializer(read_only=True, allow_null=True)
    listing = FavoriteListingSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Favorite
        fields = ["id", "provider", "listing", "created_at"]
        read_only_fields = fields


TAGS = ["catalog: favorites"]


class FavoriteListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The user's saved providers and listings, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(FavoriteSerializer), 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return paginated(self, request, favorite_list(user=request.user), FavoriteSerializer)


def _favorite_view(target: str):
    kwarg = f"{target}_id"

    class FavoriteTargetView(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            tags=TAGS,
            summary=f"Save a {target}: 201 the first time, 200 when already saved.",
            request=None,
            operation_id=f"favorite_{target}_add",
            responses={
                200: FavoriteSerializer,
                201: FavoriteSerializer,
                401: UNAUTHENTICATED,
                404: NOT_FOUND,
            },
        )
        def post(self, request, target_id: int):
            favorite, created = favorite_add(actor=request.user, **{kwarg: target_id})
            favorite = favorite_list(user=request.user).get(pk=favorite.pk)
            return Response(
                FavoriteSerializer(favorite).data,
                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            )

        @extend_schema(
            tags=TAGS,
            summary=f"Forget a saved {target} (204 whether or not it was saved).",
            operation_id=f"favorite_{target}_remove",
            responses={204: None, 401: UNAUTHENTICATED},
        )
        def delete(self, request, target_id: int):
            favorite_remove(actor=request.user, **{kwarg: target_id})
            return Response(status=status.HTTP_204_NO_CONTENT)

    FavoriteTargetView.__name__ = f"Favorite{target.title()}View"
    return FavoriteTargetView


FavoriteProviderView = _favorite_view("provider")
FavoriteListingView = _favorite_view("listing")
