"""Categories (a tree) and listing types: public reads, staff writes."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.inputs import validated
from api.permissions import IsMarketplaceStaff, ReadOnlyOrStaff
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, error
from catalog.models import Category, ListingType
from catalog.selectors.taxonomy import category_tree, listing_type_list
from catalog.services.categories import (
    category_create,
    category_delete,
    category_move,
    category_reorder,
    category_update,
)
from catalog.services.listing_types import listing_type_create, listing_type_update


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    names = serializers.DictField(child=serializers.CharField())
    icon = serializers.CharField()
    position = serializers.IntegerField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field, not Field.parent
        allow_null=True
    )
    children = serializers.ListField(
        child=serializers.DictField(), help_text="Nodes of the same shape."
    )


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "names", "icon", "position", "parent"]
        read_only_fields = fields


class CategoryCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=80, required=False, default="")
    parent = fields.row_id(  # type: ignore[assignment]  # a field, not Field.parent
        required=False, allow_null=True, default=None
    )
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    icon = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    position = fields.count(required=False)


class CategoryUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    slug = serializers.CharField(max_length=80, required=False)
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    icon = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CategoryMoveSerializer(serializers.Serializer):
    parent = fields.row_id(  # type: ignore[assignment]  # a field, not Field.parent
        allow_null=True, help_text="null: the top level."
    )
    position = fields.count(required=False)


class CategoryReorderSerializer(serializers.Serializer):
    parent = fields.row_id(  # type: ignore[assignment]  # a field, not Field.parent
        allow_null=True, help_text="null: the top level."
    )
    order = serializers.ListField(
        child=fields.row_id(), help_text="Every child id of the parent, in order."
    )


class ListingTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingType
        fields = ["id", "slug", "name", "names", "pricing", "process", "config", "position"]
        read_only_fields = fields


class _ProcessChoices(serializers.Serializer):
    """``process`` is one of the registered transaction processes (an enum in the schema)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from catalog.services.listing_types import process_names

        process = self.fields["process"]
        assert isinstance(process, serializers.ChoiceField)
        process.choices = process_names()


class ListingTypeCreateSerializer(_ProcessChoices):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=80, required=False, default="")
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    pricing = serializers.ChoiceField(choices=ListingType.Pricing.choices)
    process = serializers.ChoiceField(choices=[])
    config = serializers.DictField(required=False)
    position = fields.count(required=False, default=0)


class ListingTypeUpdateSerializer(_ProcessChoices):
    name = serializers.CharField(max_length=120, required=False)
    names = serializers.DictField(child=serializers.CharField(max_length=120), required=False)
    pricing = serializers.ChoiceField(choices=ListingType.Pricing.choices, required=False)
    process = serializers.ChoiceField(choices=[], required=False)
    config = serializers.DictField(required=False)
    position = fields.count(required=False)


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
        return Response(category_tree())

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
        category = category_create(
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
        category = category_update(actor=request.user, category_id=category_id, **data)
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
        category_delete(actor=request.user, category_id=category_id)
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
        category = category_move(
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
        categories = category_reorder(
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
        return Response(ListingTypeSerializer(listing_type_list(), many=True).data)

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
        listing_type = listing_type_create(actor=request.user, **data)
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
        listing_type = listing_type_update(
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
