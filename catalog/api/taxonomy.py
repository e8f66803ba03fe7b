"""Categories (a tree) and listing types: public reads, staff writes."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsMarketplaceStaff, ReadOnlyOrStaff
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, error
from catalog import selectors, services
from catalog.serializers import (
    CategoryCreateSerializer,
    CategoryMoveSerializer,
    CategoryNodeSerializer,
    CategoryReorderSerializer,
    CategorySerializer,
    CategoryUpdateSerializer,
    ListingTypeCreateSerializer,
    ListingTypeSerializer,
    ListingTypeUpdateSerializer,
)

TAGS = ["catalog: categories"]


class CategoryListView(APIView):
    permission_classes = [ReadOnlyOrStaff]

    @extend_schema(
        tags=TAGS,
        summary="The category tree: top-level categories with nested children.",
        responses={200: CategoryNodeSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Tree",
                response_only=True,
                value=[
                    {
                        "id": 1,
                        "slug": "fire",
                        "name": "Fire acts",
                        "names": {},
                        "icon": "flame",
                        "position": 0,
                        "parent": None,
                        "children": [
                            {
                                "id": 2,
                                "slug": "fire-poi",
                                "name": "Fire poi",
                                "names": {},
                                "icon": "orbit",
                                "position": 0,
                                "parent": 1,
                                "children": [],
                            }
                        ],
                    }
                ],
            )
        ],
    )
    def get(self, request):
        return Response(selectors.category_tree())

    @extend_schema(
        tags=TAGS,
        summary="Add a category (staff). The slug defaults to the name's.",
        request=CategoryCreateSerializer,
        responses={
            201: CategorySerializer,
            400: error("`invalid` or `unknown_category` (parent)."),
            403: FORBIDDEN,
            409: error("`slug_taken`."),
        },
    )
    def post(self, request):
        data = validated(CategoryCreateSerializer, request.data).validated_data
        category = services.category_create(
            actor=request.user,
            name=data["name"],
            slug=data["slug"],
            parent_id=data["parent"],
            names=data.get("names"),
            icon=data["icon"],
            position=data.get("position"),
        )
        return Response(CategorySerializer(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Rename a category or change its slug, translations or icon (staff).",
        request=CategoryUpdateSerializer,
        responses={
            200: CategorySerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`slug_taken`."),
        },
    )
    def patch(self, request, category_id: int):
        data = validated(CategoryUpdateSerializer, request.data).validated_data
        category = services.category_update(actor=request.user, category_id=category_id, **data)
        return Response(CategorySerializer(category).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete a category and its subcategories (staff), unless they hold listings.",
        responses={
            204: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`category_in_use`: listings still use it."),
        },
    )
    def delete(self, request, category_id: int):
        services.category_delete(actor=request.user, category_id=category_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryMoveView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Move a category under another parent, or to the top level (staff).",
        request=CategoryMoveSerializer,
        responses={
            200: CategorySerializer,
            400: error("`unknown_category`."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`category_cycle`: the new parent is the category or inside it."),
        },
    )
    def post(self, request, category_id: int):
        data = validated(CategoryMoveSerializer, request.data).validated_data
        category = services.category_move(
            actor=request.user,
            category_id=category_id,
            parent_id=data["parent"],
            position=data.get("position"),
        )
        return Response(CategorySerializer(category).data)


class CategoryReorderView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Set the order of one parent's children (staff).",
        request=CategoryReorderSerializer,
        responses={
            200: CategorySerializer(many=True),
            400: error("`incomplete_order`: every child, once."),
            403: FORBIDDEN,
        },
        examples=[
            OpenApiExample("Order", request_only=True, value={"parent": 1, "order": [4, 2, 3]})
        ],
    )
    def post(self, request):
        data = validated(CategoryReorderSerializer, request.data).validated_data
        categories = services.category_reorder(
            actor=request.user, parent_id=data["parent"], ordered_ids=data["order"]
        )
        return Response(CategorySerializer(categories, many=True).data)


LISTING_TYPE_TAGS = ["catalog: listing types"]


class ListingTypeListView(APIView):
    permission_classes = [ReadOnlyOrStaff]

    @extend_schema(
        tags=LISTING_TYPE_TAGS,
        summary="How listings are sold here: pricing, transaction process and configuration.",
        responses={200: ListingTypeSerializer(many=True)},
    )
    def get(self, request):
        return Response(ListingTypeSerializer(selectors.listing_type_list(), many=True).data)

    @extend_schema(
        tags=LISTING_TYPE_TAGS,
        summary="Add a listing type (staff).",
        request=ListingTypeCreateSerializer,
        responses={
            201: ListingTypeSerializer,
            400: INVALID,
            403: FORBIDDEN,
            409: error("`slug_taken`."),
        },
        examples=[
            OpenApiExample(
                "Per-minute",
                request_only=True,
                value={
                    "name": "Live reading",
                    "pricing": "per_minute",
                    "process": "metered_session",
                    "config": {"channels": ["chat", "phone"]},
                },
            )
        ],
    )
    def post(self, request):
        data = validated(ListingTypeCreateSerializer, request.data).validated_data
        listing_type = services.listing_type_create(actor=request.user, **data)
        return Response(ListingTypeSerializer(listing_type).data, status=status.HTTP_201_CREATED)


class ListingTypeDetailView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=LISTING_TYPE_TAGS,
        summary="Change a listing type (staff); its pricing is fixed once listings use it.",
        request=ListingTypeUpdateSerializer,
        responses={
            200: ListingTypeSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`listing_type_in_use`."),
        },
    )
    def patch(self, request, listing_type_id: int):
        data = validated(ListingTypeUpdateSerializer, request.data).validated_data
        listing_type = services.listing_type_update(
            actor=request.user, listing_type_id=listing_type_id, **data
        )
        return Response(ListingTypeSerializer(listing_type).data)


__all__ = [
    "CategoryDetailView",
    "CategoryListView",
    "CategoryMoveView",
    "CategoryReorderView",
    "ListingTypeDetailView",
    "ListingTypeListView",
]
