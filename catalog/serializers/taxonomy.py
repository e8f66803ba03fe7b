"""Categories and listing types."""

from __future__ import annotations

from rest_framework import serializers

from api import fields
from catalog.models import (
    Category,
    ListingType,
)

# Categories


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


# Listing types


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


# Provider profiles

# Coordinates arrive with any precision; the service rounds them to the column's six decimals.
