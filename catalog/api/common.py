"""Helpers shared by the catalog API views."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from catalog.serializers import ErrorSerializer
from config.errors import InvalidInput

# Page-number lists end after this many rows: reaching row n costs reading n rows, and no
# person pages that far (a crawler does). Search pages by cursor instead.
MAX_PAGE_DEPTH = 1_000


class CatalogPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)  # "last" is already a number
        try:
            depth = int(number) * paginator.per_page
        except (TypeError, ValueError):
            return number  # DRF answers 404 "Invalid page."
        if depth > MAX_PAGE_DEPTH:
            raise InvalidInput(
                f"Pages reach at most {MAX_PAGE_DEPTH:,} rows (page × page_size): narrow the "
                "query with filters, or for listings and providers use search, whose cursor "
                "pages have no such limit.",
                code="page_too_deep",
                details={
                    "page": [f"At most {MAX_PAGE_DEPTH // paginator.per_page} at this page_size."],
                    "max_depth": MAX_PAGE_DEPTH,
                },
            )
        return number


def paginated(view, request, queryset, serializer_class, *, prepare=None, **serializer_kwargs):
    """One page of ``queryset`` through ``serializer_class``, in the paginated envelope.
    ``prepare`` sees the page's rows before they are serialised (e.g. to attach extras)."""
    paginator = CatalogPagination()
    page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=view)
    if prepare is not None:
        prepare(page)
    data = serializer_class(page, many=True, **serializer_kwargs).data
    return paginator.get_paginated_response(data)


@cache  # one class, hence one schema component, per row serializer
def page_of(serializer_class: type[serializers.BaseSerializer]) -> type[serializers.Serializer]:
    """The schema of what ``paginated()`` answers with ``serializer_class`` rows: name it as
    the 200 response of every list view that returns ``paginated()``."""
    name = serializer_class.__name__.removesuffix("Serializer")
    fields: dict[str, Any] = {
        "__module__": __name__,
        "page_rows": serializer_class,  # api.schema names the operation a list
        "count": serializers.IntegerField(help_text="Rows in all pages."),
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
        "results": serializer_class(many=True),
    }
    return type(f"Paginated{name}ListSerializer", (serializers.Serializer,), fields)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


def parse_day(value: str | None, *, name: str, default: date | None = None) -> date:
    if value in (None, ""):
        if default is None:
            raise InvalidInput(f"“{name}” is required.", details={name: ["Required (YYYY-MM-DD)."]})
        return default
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(
            f"“{name}” is not a date.", code="malformed_date", details={name: ["Use YYYY-MM-DD."]}
        )
    return parsed


DATE_RANGE_PARAMETERS = [
    OpenApiParameter("from", str, description="First day, YYYY-MM-DD."),
    OpenApiParameter("to", str, description="Last day (inclusive), at most 366 days in all."),
]
PAGE_PARAMETERS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_DEPTH},
        description=f"1-based page number; page × page_size at most {MAX_PAGE_DEPTH} "
        "(else 400 `page_too_deep`).",
    ),
    OpenApiParameter("page_size", int, description="Items per page, at most 100 (default 20)."),
]

NOT_FOUND = error("`not_found`: unknown here (ids of another marketplace included).")
FORBIDDEN = error("`forbidden`: wrong role.")
UNAUTHENTICATED = error("`not_authenticated`.")
INVALID = error("`invalid` and more specific codes: bad input.")
