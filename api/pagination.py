"""Page-number pages of every app's list views: ``paginated()`` answers one page,
``page_of()`` documents it, ``PAGE_PARAMETERS`` documents the query parameters."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from api.inputs import parse_positive_int
from config.errors import NotFound

# Page-number lists end after this many rows: reaching row n costs reading n rows, and no
# person pages that far (a crawler does). Search pages by cursor instead.
MAX_PAGE_DEPTH = 1_000


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pages whose parameters are validated, not silently defaulted.

    DRF falls back to the default size for a ``page_size`` it cannot read and answers 404 for
    a ``page`` that is not a number; both are the client's mistake, so both are a 400 naming
    the parameter. A page past the depth cap is a 404 ``page_too_deep``, as a page past the
    last one is a 404: the page is not served, and the message says how to get the rows.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        return parse_positive_int(request, "page_size", self.page_size, maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        number = parse_positive_int(request, "page", 1, maximum=MAX_PAGE_DEPTH)
        if number * paginator.per_page > MAX_PAGE_DEPTH:
            raise NotFound(
                _(
                    "Pages reach at most %(depth)s rows (page × page_size): narrow the query "
                    "with filters, or for listings and providers use search, whose cursor "
                    "pages have no such limit."
                )
                % {"depth": f"{MAX_PAGE_DEPTH:,}"},
                code="page_too_deep",
                details={
                    "page": [
                        _("At most %(pages)s at this page_size.")
                        % {"pages": MAX_PAGE_DEPTH // paginator.per_page}
                    ],
                    "max_depth": MAX_PAGE_DEPTH,
                },
            )
        return number


def paginated(view, request, queryset, serializer_class, *, prepare=None, **serializer_kwargs):
    """One page of ``queryset`` through ``serializer_class``, in the paginated envelope.
    ``prepare`` sees the page's rows before they are serialised (e.g. to attach extras)."""
    paginator = StrictPageNumberPagination()
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


PAGE_PARAMETERS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_DEPTH},
        description=f"1-based page number; page × page_size at most {MAX_PAGE_DEPTH} "
        "(else 404 `page_too_deep`, as for a page past the last).",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="Items per page (default 20).",
    ),
]
