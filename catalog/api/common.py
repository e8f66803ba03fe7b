"""Helpers shared by the catalog API views."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from catalog.serializers import ErrorSerializer
from config.errors import InvalidInput, NotFound

# Page-number lists end after this many rows: reaching row n costs reading n rows, and no
# person pages that far (a crawler does). Search pages by cursor instead.
MAX_PAGE_DEPTH = 1_000


class CatalogPagination(PageNumberPagination):
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


def parse_positive_int(request, name: str, default: int, *, maximum: int) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    if len(values) > 1:
        raise InvalidInput(
            _("Send “%(name)s” once.") % {"name": name},
            details={name: [_("Given more than once.")]},
        )
    value = values[0]
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        bounds = {"name": name, "maximum": f"{maximum:,}"}
        raise InvalidInput(
            _("“%(name)s” must be a whole number from 1 to %(maximum)s.") % bounds,
            details={name: [_("A whole number from 1 to %(maximum)s.") % bounds]},
        )
    return int(value)


def parse_choice(value: str | None, *, name: str, choices: list[str]) -> str | None:
    """A query value that must be one of ``choices``; None when it was not sent."""
    if value is None:
        return None
    if value not in choices:
        raise InvalidInput(
            _("“%(name)s” must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(choices)},
            details={name: [_("One of: %(choices)s.") % {"choices": ", ".join(choices)}]},
        )
    return value


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


def parse_day_range(request, *, default_days: int = 30) -> tuple[date, date]:
    """``from`` and ``to`` of the query; from today for ``default_days`` when not sent."""
    start = parse_day(request.query_params.get("from"), name="from", default=timezone.localdate())
    end = parse_day(
        request.query_params.get("to"), name="to", default=start + timedelta(days=default_days - 1)
    )
    return start, end


def parse_day(value: str | None, *, name: str, default: date | None = None) -> date:
    """A YYYY-MM-DD query value; ``default`` when it was not sent (an empty value is a 400)."""
    if value is None:
        if default is None:
            raise InvalidInput(
                _("“%(name)s” is required.") % {"name": name},
                details={name: [_("Required (YYYY-MM-DD).")]},
            )
        return default
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(
            _("“%(name)s” is not a date.") % {"name": name},
            code="malformed_date",
            details={name: [_("Use YYYY-MM-DD.")]},
        )
    return parsed


DATE_RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description="Last day (inclusive), not before `from`, at most 366 days in all.",
    ),
]
REQUIRED_DATE_RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day."),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day (inclusive)."),
]
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

NOT_FOUND = error("`not_found`: unknown here (ids of another marketplace included).")
FORBIDDEN = error("`forbidden`: wrong role.")
UNAUTHENTICATED = error("`not_authenticated`.")
INVALID = error("`invalid` and more specific codes: bad input.")
